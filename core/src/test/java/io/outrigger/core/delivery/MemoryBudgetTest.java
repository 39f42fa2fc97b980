package io.outrigger.core.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

    @Test
    void blocksWhenFullAndResumesWhenReleased() throws Exception {
        MemoryBudget budget = new MemoryBudget(1000);
        budget.acquire(800);
        assertFalse(budget.tryAcquire(300, 10, TimeUnit.MILLISECONDS), "would exceed the budget");
        CountDownLatch acquired = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                budget.acquire(300);
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertFalse(acquired.await(50, TimeUnit.MILLISECONDS));
        budget.release(200);
        assertTrue(acquired.await(5, TimeUnit.SECONDS));
        t.join();
        assertEquals(900, budget.used());
        assertTrue(budget.blockedNanos() > 0);
    }

    @Test
    void blockedTimeGrowsWhileAWaitIsStillGoingOn() throws Exception {
        MemoryBudget budget = new MemoryBudget(1000);
        budget.acquire(1000);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                budget.acquire(1);
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // a metric scraped during a long outage must show the reader blocked, not only once the wait ends
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (budget.blockedNanos() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        long first = budget.blockedNanos();
        assertTrue(first > 0, "no blocked time counted while the acquirer waits");
        while (budget.blockedNanos() == first && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(budget.blockedNanos() > first, "blocked time does not grow during the wait");
        assertEquals(1, acquired.getCount(), "still waiting");
        budget.release(1000);
        assertTrue(acquired.await(5, TimeUnit.SECONDS));
        t.join();
        long after = budget.blockedNanos();
        Thread.sleep(20);
        assertEquals(after, budget.blockedNanos(), "no wait going on: the total stays put");
    }

    @Test
    void oversizedRequestPassesOnlyWhenTheBudgetIsEmpty() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(10);
        assertFalse(budget.tryAcquire(500, 10, TimeUnit.MILLISECONDS));
        budget.release(10);
        assertTrue(budget.tryAcquire(500, 10, TimeUnit.MILLISECONDS));
        assertEquals(500, budget.used());
    }

    @Test
    void releasingMoreThanAcquiredIsABug() {
        MemoryBudget budget = new MemoryBudget(100);
        assertThrows(IllegalStateException.class, () -> budget.release(1));
    }
}

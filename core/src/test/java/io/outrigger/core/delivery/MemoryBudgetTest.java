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
    void anOngoingWaitCountsAsBlockedTimeBeforeItEnds() throws Exception {
        MemoryBudget budget = new MemoryBudget(100);
        budget.acquire(100);
        CountDownLatch acquired = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                budget.acquire(1);
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (budget.blockedNanos() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        long during = budget.blockedNanos();
        assertTrue(during > 0, "a reader stuck on a full budget shows as blocked while it is stuck");
        assertEquals(1, acquired.getCount(), "still waiting");
        budget.release(100);
        assertTrue(acquired.await(5, TimeUnit.SECONDS));
        t.join();
        assertTrue(budget.blockedNanos() >= during, "the counter never goes back");
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

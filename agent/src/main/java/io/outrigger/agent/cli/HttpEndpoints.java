package io.outrigger.agent.cli;

import io.outrigger.agent.runtime.Supervisor;

/** STUB: the agent's HTTP endpoints, wired when the HTTP server lands. */
final class HttpEndpoints {
    static HttpEndpoints start(String listen, Supervisor supervisor) { return new HttpEndpoints(); }
    void stop() {}
}

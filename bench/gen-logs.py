#!/usr/bin/env python3
"""Writes log lines as varied as a real service's, for the end-to-end benchmarks.

    bench/gen-logs.py [--kind json|nginx] [--seed N] LINES > app.log

json: an app's structured log, ~210 bytes a line on average: 480 message templates (40 phrasings x 12 domains)
with changing numbers, ids and names; 48 loggers, 40 thread names; user and trace ids; a nested `http`
object on a fifth of the lines; escaped quotes and non-ASCII text now and then; and about one line in a
thousand an ERROR with a stack trace of several KB.
nginx: combined access log lines with varied addresses, methods, paths, statuses, sizes, referers and user agents
(a few with a raw quote inside the user agent, as real crawlers send).

The same seed gives the same file. Values repeat no more than in a real service, so the parsers' caches are not
flattered.
"""
import argparse
import random
import sys

DOMAINS = ["order", "payment", "cart", "user", "inventory", "shipping", "invoice", "session", "search", "catalog",
           "review", "coupon"]
PHRASES = [
    "{d} {id} created for customer {user}",
    "{d} {id} updated in {ms} ms",
    "processing {d} {id} (attempt {n} of 5)",
    "{d} {id} not found",
    "failed to load {d} {id}: connection reset by peer",
    "retrying {d} request after {ms} ms backoff",
    "cache miss for {d}:{id}",
    "cache hit ratio for {d} is {pct}%",
    "{d} service responded with status {status} in {ms} ms",
    "user \\\"{user}\\\" is not allowed to read {d} {id}",
    "validated {n} {d} items against schema v{v}",
    "published {d} event {uuid} to topic {d}-events",
    "consumed {n} {d} events from partition {p} at offset {off}",
    "slow query on {d} table took {ms} ms: SELECT * FROM {d} WHERE id = {id}",
    "{d} {id} moved from state PENDING to CONFIRMED",
    "{d} {id} moved from state CONFIRMED to SHIPPED",
    "rate limit reached for {d} API key {key}, {n} requests in the last minute",
    "scheduled job {d}-cleanup removed {n} stale records",
    "HTTP GET /api/v{v}/{d}s/{id} returned {status}",
    "HTTP POST /api/v{v}/{d}s returned {status} after {ms} ms",
    "opened connection {n} to {d}-db-{p}.internal:5432",
    "closing idle connection to {d}-db-{p}.internal after {s} s",
    "circuit breaker for {d} service is OPEN after {n} failures",
    "circuit breaker for {d} service is CLOSED",
    "{d} {id} has {n} line items totalling {amount} EUR",
    "applied discount {pct}% to {d} {id} for {name}",
    "sending notification for {d} {id} to {email}",
    "{d} export finished: {n} rows written to s3://exports/{d}/{uuid}.csv",
    "lock on {d} {id} held for {ms} ms by thread {thread}",
    "deserialization of {d} payload failed at byte {off}: unexpected token",
    "feature flag {d}-v{v} evaluated to {bool} for {user}",
    "{d} {id} for {name} in {city}",
    "health check of {d} dependency took {ms} ms",
    "queue {d}-work depth is {n}, {p} consumers",
    "payload of {d} {id} is {size} bytes, above the {limit} byte warning threshold",
    "token for {user} expires in {s} s, refreshing",
    "{d} reconciliation found {n} mismatches out of {off}",
    "timeout after {ms} ms waiting for {d} lock {key}",
    "migrated {n} {d} rows to schema v{v} in {s} s",
    "request {uuid} for {d} {id} completed with status {status}",
]
NAMES = ["Alice Martin", "Bob Chen", "Zoë Dubois", "Jürgen Müller", "Søren Kierkegaard", "María José García",
         "Łukasz Nowak", "Ngozi Okafor", "Priya Raman", "田中 太郎", "Олег Иванов", "Ahmet Yılmaz", "Chloé Lefèvre",
         "João Gonçalves", "Kim Min-jun", "Fatima Zahra"]
CITIES = ["Berlin", "Paris", "São Paulo", "Zürich", "東京", "Kraków", "Lagos", "Montréal", "Reykjavík", "Dublin",
          "Seoul", "İstanbul", "Austin", "Pune"]
PACKAGES = ["api", "service", "repository", "client", "worker", "web"]
CLASSES = ["Controller", "Service", "Repository", "Client", "Handler", "Scheduler", "Listener", "Mapper"]
THREADS = ([f"http-nio-8080-exec-{i}" for i in range(1, 21)] + [f"pool-3-thread-{i}" for i in range(1, 9)] +
           [f"kafka-consumer-{i}" for i in range(1, 5)] + [f"scheduling-{i}" for i in range(1, 4)] +
           ["main", "kafka-producer-network-thread | producer-1", "HikariPool-1 housekeeper", "grpc-default-executor-0",
            "ForkJoinPool.commonPool-worker-1"])
LEVELS = ["INFO"] * 70 + ["DEBUG"] * 15 + ["WARN"] * 10 + ["ERROR"] * 5
METHODS = ["GET"] * 6 + ["POST"] * 2 + ["PUT", "DELETE", "PATCH", "HEAD"]
STATUSES = [200] * 40 + [201] * 5 + [204] * 3 + [301, 302, 304] * 2 + [400, 401, 403, 404, 404, 409, 429] + [500, 502, 503]
AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
    "curl/8.11.1", "Go-http-client/2.0", "python-requests/2.32.3", "kube-probe/1.31", "okhttp/5.1.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Prometheus/3.1.0", "Apache-HttpClient/5.4 (Java/21.0.5)",
    "Mozilla/5.0 (compatible; \"odd\" crawler/1.0)",
]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lines", type=int)
    ap.add_argument("--kind", choices=["json", "nginx"], default="json")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    out = sys.stdout
    write = out.write
    gen = json_line if a.kind == "json" else nginx_line
    loggers = [f"{p}.{d.capitalize()}{c}" for d in DOMAINS for p, c in zip(PACKAGES, CLASSES)][:48]
    buf = []
    for i in range(a.lines):
        buf.append(gen(rnd, i, loggers))
        if len(buf) >= 10000:
            write("".join(buf))
            buf.clear()
    write("".join(buf))


def hexid(rnd, digits):
    return f"{rnd.getrandbits(digits * 4):0{digits}x}"


def fill(rnd, phrase, domain):
    def val(key):
        r = rnd
        return {
            "d": domain, "id": str(r.randint(1, 99_999_999)), "user": f"u-{r.randint(1, 250_000)}",
            "ms": str(int(r.expovariate(1 / 40)) + 1), "n": str(r.randint(1, 500)), "pct": str(r.randint(0, 100)),
            "status": str(r.choice(STATUSES)), "uuid": f"{hexid(r, 8)}-{hexid(r, 4)}-4{hexid(r, 3)}-{hexid(r, 4)}-{hexid(r, 12)}",
            "p": str(r.randint(0, 31)), "off": str(r.randint(0, 9_999_999)), "key": f"ak_{hexid(r, 10)}",
            "v": str(r.randint(1, 4)), "s": str(r.randint(1, 3600)), "amount": f"{r.uniform(1, 2500):.2f}",
            "name": r.choice(NAMES), "email": f"user{r.randint(1, 99999)}@example.com", "thread": r.choice(THREADS),
            "bool": r.choice(["true", "false"]), "city": r.choice(CITIES), "size": str(r.randint(1, 10_000_000)),
            "limit": "1048576",
        }[key]
    out, i = [], 0
    while True:
        j = phrase.find("{", i)
        if j < 0:
            out.append(phrase[i:])
            return "".join(out)
        k = phrase.index("}", j)
        out.append(phrase[i:j])
        out.append(val(phrase[j + 1:k]))
        i = k + 1


def stack_trace(rnd, domain):
    frames = []
    for _ in range(rnd.randint(40, 90)):
        cls = f"com.example.{domain}.{rnd.choice(PACKAGES)}.{domain.capitalize()}{rnd.choice(CLASSES)}"
        frames.append(f"\\n\\tat {cls}.{rnd.choice(['handle', 'load', 'save', 'apply', 'call', 'run'])}"
                      f"({domain.capitalize()}{rnd.choice(CLASSES)}.java:{rnd.randint(20, 900)})")
    return f"java.lang.IllegalStateException: {domain} {rnd.randint(1, 99999999)} in unexpected state" + "".join(frames)


def json_line(rnd, i, loggers):
    domain = rnd.choice(DOMAINS)
    level = rnd.choice(LEVELS)
    t = i // 1000
    ts = f"2026-11-27T{(t // 3600) % 24:02d}:{(t // 60) % 60:02d}:{t % 60:02d}.{rnd.randint(0, 999):03d}Z"
    msg = fill(rnd, rnd.choice(PHRASES), domain)
    parts = [f'{{"time":"{ts}","level":"{level}","logger":"{rnd.choice(loggers)}",'
             f'"thread":"{rnd.choice(THREADS)}","msg":"{msg}"']
    if rnd.random() < 0.4:
        parts.append(f',"user_id":"u-{rnd.randint(1, 250_000)}"')
    if rnd.random() < 0.5:
        parts.append(f',"trace_id":"{hexid(rnd, 32)}"')
    if rnd.random() < 0.2:
        parts.append(f',"http":{{"method":"{rnd.choice(METHODS)}","path":"/api/v{rnd.randint(1, 3)}/{domain}s/'
                     f'{rnd.randint(1, 9_999_999)}","status":{rnd.choice(STATUSES)},"duration_ms":'
                     f'{rnd.expovariate(1 / 30):.3f}}}')
    elif rnd.random() < 0.5:
        parts.append(f',"duration_ms":{rnd.randint(0, 2000)}')
    if level == "ERROR" and rnd.random() < 0.02:
        parts.append(f',"stack":"{stack_trace(rnd, domain)}"')
    parts.append("}\n")
    return "".join(parts)


def nginx_line(rnd, i, _loggers):
    t = i // 1000
    ip = f"{rnd.randint(1, 223)}.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"
    user = "-" if rnd.random() < 0.95 else f"u{rnd.randint(1, 9999)}"
    domain = rnd.choice(DOMAINS)
    path = f"/api/v{rnd.randint(1, 3)}/{domain}s/{rnd.randint(1, 9_999_999)}"
    if rnd.random() < 0.4:
        path += f"?session={hexid(rnd, 8)}&page={rnd.randint(1, 40)}"
    ref = "-" if rnd.random() < 0.5 else f"https://shop.example.com/{rnd.choice(DOMAINS)}/{rnd.randint(1, 999)}"
    status = rnd.choice(STATUSES)
    size = 0 if status in (204, 304) else rnd.randint(20, 60000)
    return (f'{ip} - {user} [27/Nov/2026:{(t // 3600) % 24:02d}:{(t // 60) % 60:02d}:{t % 60:02d} +0000] '
            f'"{rnd.choice(METHODS)} {path} HTTP/1.1" {status} {size} "{ref}" "{rnd.choice(AGENTS)}"\n')


if __name__ == "__main__":
    main()

"""cx_whatsapp speed: the webhook acknowledgement through Odoo's HTTP server.

Run by `make bench ARGS=whatsapp` (bench/run.sh starts an Odoo server on the
bench database and calls this file with its URL): 1,000 signed single-message
deliveries, one after the other over a kept-alive connection, each timed from
the request sent to the 200 received. Budget: p99 at most 50 ms.
"""

import hashlib
import hmac
import json
import statistics
import sys
import time

import requests


def main(url, secret, count=1000):
    session = requests.Session()
    latencies = []
    for index in range(count):
        body = json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881", "phone_number_id": "bench"},
            "contacts": [{"profile": {"name": f"Bench {index}"}, "wa_id": f"96650{index:07d}"}],
            "messages": [{"from": f"96650{index:07d}", "id": f"wamid.bench.{time.time_ns()}.{index}", "timestamp": "1749416383",
                          "type": "text", "text": {"body": "مرحبا، أين طلبي؟"}}]}}]}]}).encode()
        signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        start = time.perf_counter()
        response = session.post(url, data=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature})
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise SystemExit(f"delivery {index} answered {response.status_code}: {response.text[:200]}")
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(f"{'webhook acknowledgement, single message, p50':<62} {p50 * 1000:>10.1f} ms")
    label = f"webhook acknowledgement, single message, p99 ({count} deliveries)"
    print(f"{label:<62} {p99 * 1000:>10.1f} ms"
          f"   budget       50 ms  {'OK' if p99 <= 0.05 else 'OVER'}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

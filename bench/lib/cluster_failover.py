#!/usr/bin/env python3
"""Failover of one replica of a running `ragscale cluster` under steady load. Runs
`ragscale load` (bench/lib/cluster_steady.yaml, USERS closed-model users) through the
balancer for SECONDS while uploading a document every 100 ms; at KILL_AT s, kill -9 of one
replica. Prints one JSON object of figures on its last line:
  requests, failures, failure_rate     of the load run (target failure_rate < 0.5%)
  routing_stopped_s                    kill -> HAProxy no longer has the replica UP (target <= 2 s)
  rejoined_s                           kill -> the keeper's restart is ready and UP again
  uploads_acknowledged, uploads_lost   201s through the balancer vs documents there after (target 0 lost)
  current_index                        the restarted replica finds a document uploaded while it was down
Usage: cluster_failover.py DIR BIN SECONDS KILL_AT USERS CLIENT_CORE"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


def status(binary, folder):
    out = subprocess.run([binary, "cluster", "status", "--dir", folder, "--json"], capture_output=True, text=True,
                         check=True).stdout
    return json.loads(out)


def call(url, body=None, timeout=10):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


def slot_status(socket_path, server):
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(2)
        s.connect(socket_path)
        s.sendall(b"show stat\n")
        text = b""
        while chunk := s.recv(65536):
            text += chunk
    lines = text.decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    for line in lines[1:]:
        fields = line.split(",")
        if len(fields) > 17 and fields[0] == "replicas" and fields[1] == server:
            return fields[header.index("status")]
    return ""


def main():
    folder, binary, seconds, kill_at, users, core = sys.argv[1:7]
    seconds, kill_at = float(seconds), float(kill_at)
    first = status(binary, folder)
    balancer = first["balancer_url"]
    victim = [p for p in first["processes"] if p["role"] == "replica"][1]
    socket_path = os.path.join(folder, "haproxy", "admin.sock")
    summary = os.path.join(folder, "failover-load.json")
    env = dict(os.environ, RAGSCALE_TARGET=balancer)
    load = subprocess.Popen(["taskset", "-c", core, binary, "load", "-f", os.path.join(HERE, "cluster_steady.yaml"),
                             "-u", users, "-r", users, "-t", f"{seconds:g}s", "-q", "--json", summary],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    uploads, upload_failures, done = [], [], threading.Event()

    def upload_loop():
        while not done.is_set():
            # Words of its own, so both halves of the hybrid search single it out among the others.
            tag = " ".join("w" + uuid.uuid4().hex[:8] for _ in range(3))
            code, body = call(balancer + "/api/v1/documents/upload",
                              {"title": f"failover {tag}", "text": f"Failover note {tag} survives replica loss."})
            if code == 201:
                uploads.append((json.loads(body)["id"], tag, time.monotonic()))
            else:
                upload_failures.append(code)
            time.sleep(0.1)

    uploader = threading.Thread(target=upload_loop)
    uploader.start()
    time.sleep(max(0.0, kill_at - (time.monotonic() - started)))
    killed = time.monotonic()
    os.kill(victim["pid"], signal.SIGKILL)
    server = "replica" + victim["name"].split("-")[1]
    routing_stopped = None
    while time.monotonic() - killed < 10:
        if not slot_status(socket_path, server).startswith("UP"):
            routing_stopped = time.monotonic() - killed
            break
        time.sleep(0.01)
    rejoined = None
    while time.monotonic() - killed < 60:
        now = [p for p in status(binary, folder)["processes"] if p["name"] == victim["name"]]
        if now and now[0]["restarts"] >= 1 and now[0]["health"] == "ready" and now[0]["balancer"].startswith("UP"):
            rejoined = time.monotonic() - killed
            break
        time.sleep(0.05)
    load.wait(timeout=seconds + 60)
    done.set()
    uploader.join()
    # Every acknowledged upload must be there, read through the balancer.
    lost = 0
    for document, _, _ in uploads:
        code, body = call(f"{balancer}/api/v1/documents/{document}/status")
        if code != 200:
            lost += 1
    # The restarted replica has what was uploaded while it was down (its index is current).
    while_down = [u for u in uploads if killed <= u[2] <= killed + (rejoined or 0)]
    probe = while_down[-1] if while_down else uploads[-1]
    current = False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not current:
        code, body = call(victim["url"] + "/api/v1/search", {"query": probe[1], "top_k": 3})
        current = code == 200 and probe[1].encode() in body
        time.sleep(0.1)
    run = json.load(open(summary))
    requests, failures = run["aggregate"]["requests"], run["aggregate"]["failures"]
    print(json.dumps({"requests": requests, "failures": failures,
                      "failure_rate": failures / requests if requests else None,
                      "routing_stopped_s": routing_stopped, "rejoined_s": rejoined,
                      "uploads_acknowledged": len(uploads), "uploads_refused": len(upload_failures),
                      "uploads_lost": lost, "current_index": current}))


if __name__ == "__main__":
    main()

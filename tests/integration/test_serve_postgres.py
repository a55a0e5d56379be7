"""Replicas of `ragscale serve` on one PostgreSQL (--store postgres://...): what one
replica is told, every replica answers from within a second; a replica started later
builds its index from the store; a database that goes down gives fast 503s, and the
replicas recover when it is back."""
import json
import subprocess
import time
import unittest

import postgres
from processes import BIN, ProcessesTestCase, Serve, metric, request


def search_ids(port, query):
    status, _, raw = request(port, "POST", "/api/v1/search", {"query": query, "top_k": 5}, timeout=10)
    if status != 200:
        return status, []
    return status, [d["document_id"] for d in json.loads(raw)["documents"]]


def wait_until(check, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


@unittest.skipUnless(postgres.available(), postgres.UNAVAILABLE)
class ServePostgresTest(ProcessesTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = postgres.Postgres()
        cls.databases = 0

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        super().setUp()
        type(self).databases += 1
        self.url = self.server.create_database("replicas_%d" % self.databases)

    def replica(self):
        return self.start(Serve("--store", self.url, "--store-poll", "500ms", "--store-timeout", "1s",
                                document=False))

    def upload(self, replica, title, text):
        status, _, body = request(replica.port, "POST", "/api/v1/documents/upload", {"title": title, "text": text})
        self.assertEqual(status, 201, body)
        document = json.loads(body)["id"]
        self.assertTrue(wait_until(lambda: json.loads(request(
            replica.port, "GET", f"/api/v1/documents/{document}/status")[2])["status"] == "ready", 10))
        return document

    def test_uploads_and_deletes_reach_the_other_replica_within_a_second(self):
        a, b = self.replica(), self.replica()
        chunks_before = metric(b.port, "ragscale_index_chunks")
        document = self.upload(a, "Zebras", "Zebras have black and white stripes that confuse biting flies.")
        begin = time.time()
        self.assertTrue(wait_until(lambda: document in search_ids(b.port, "zebra stripes flies")[1], 1.0))
        # B's own dense index has the chunks, not only PostgreSQL's full-text index.
        self.assertTrue(wait_until(lambda: metric(b.port, "ragscale_index_chunks") > chunks_before, 1.0))
        self.assertGreaterEqual(metric(b.port, "ragscale_store_changes_applied_total"), 1)
        metrics = request(b.port, "GET", "/metrics")[2].decode()
        self.assertIn("ragscale_store_change_lag_seconds ", metrics)
        self.assertLess(metric(b.port, "ragscale_store_change_lag_seconds"), 1.0)
        self.assertLess(time.time() - begin, 1.0)
        self.assertEqual(metric(a.port, "ragscale_store_changes_applied_total"), 0)  # its own: not applied twice

        status, _, _ = request(a.port, "DELETE", f"/documents/{document}")
        self.assertEqual(status, 200)
        self.assertTrue(wait_until(lambda: document not in search_ids(b.port, "zebra stripes flies")[1], 1.0))
        self.assertTrue(wait_until(lambda: metric(b.port, "ragscale_index_chunks") == chunks_before, 1.0))

    def test_a_replica_started_later_builds_its_index_from_the_store(self):
        a = self.replica()
        documents = [self.upload(a, "Doc %d" % i, "Giraffes number %d eat acacia leaves on tall trees." % i)
                     for i in range(3)]
        late = self.replica()
        self.assertEqual(metric(late.port, "ragscale_index_chunks"), metric(a.port, "ragscale_index_chunks"))
        found = search_ids(late.port, "giraffes acacia leaves")[1]
        self.assertTrue(set(documents) & set(found), found)

    def test_database_down_gives_fast_503s_and_the_replicas_recover(self):
        a, b = self.replica(), self.replica()
        self.upload(a, "Before", "Otters hold hands while they sleep on the water.")
        self.server.kill()
        try:
            begin = time.time()
            status, headers, _ = request(a.port, "POST", "/api/v1/documents/upload",
                                         {"title": "During", "text": "Lost?"}, timeout=10)
            self.assertEqual(status, 503)
            self.assertIn("retry-after", headers)
            status, _ = search_ids(b.port, "otters sleep water")
            self.assertEqual(status, 503)
            self.assertLess(time.time() - begin, 5.0)
        finally:
            self.server.start()
        document = None
        deadline = time.time() + 10
        while time.time() < deadline and document is None:
            status, _, body = request(a.port, "POST", "/api/v1/documents/upload",
                                      {"title": "After", "text": "Beavers build dams from branches and mud."})
            if status == 201:
                document = json.loads(body)["id"]
            else:
                time.sleep(0.1)
        self.assertIsNotNone(document, "uploads did not recover")
        self.assertTrue(wait_until(lambda: document in search_ids(b.port, "beavers dams branches")[1], 5.0))


class ServeStoreSettingsTest(unittest.TestCase):
    def run_serve(self, *args):
        return subprocess.run([BIN, "serve", "--port", "0", *args], capture_output=True, text=True, timeout=30)

    def test_a_bad_url_or_an_unreachable_database_is_explained_with_exit_2(self):
        result = self.run_serve("--store", "mysql://root@localhost/db")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("postgres://", result.stderr)
        result = self.run_serve("--store", "postgres://postgres@127.0.0.1:1/ragscale", "--store-timeout", "1s")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("check that PostgreSQL is running", result.stderr)


if __name__ == "__main__":
    unittest.main()

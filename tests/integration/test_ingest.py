"""Integration tests for `ragscale ingest`: a folder uploaded into a real `ragscale serve`."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test_serve import API_KEY, AUTH, BIN, Server

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "corpus", "documents")


def ingest(*args):
    return subprocess.run([BIN, "ingest", *args], capture_output=True, text=True, timeout=120)


class IngestTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="ragscale-ingest-test-")
        cls.server = Server(os.path.join(cls.dir, "data"))
        cls.url = "http://127.0.0.1:%d" % cls.server.port

    @classmethod
    def tearDownClass(cls):
        cls.server.process.terminate()
        cls.server.process.wait(timeout=20)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def documents(self):
        status, _, body = self.server.request("GET", "/documents?limit=1000", headers=AUTH)
        self.assertEqual(status, 200)
        return json.loads(body)

    def test_sample_corpus_is_ingested_and_answers_its_questions(self):
        before = self.documents()["total"]
        result = ingest(CORPUS, "--host", self.url, "--api-key", API_KEY)
        self.assertEqual(result.returncode, 0, result.stderr)
        files = [f for f in os.listdir(CORPUS) if f.endswith(".md")]
        self.assertIn("ingested %d of %d documents" % (len(files), len(files)), result.stdout)
        self.assertIn("%d/%d settled" % (len(files), len(files)), result.stderr)
        self.assertEqual(self.documents()["total"] - before, len(files))
        status, _, body = self.server.request("POST", "/query", {"question": "How does RAG work?"}, AUTH)
        self.assertEqual(status, 200)
        titles = [source["title"] for source in json.loads(body)["sources"]]
        self.assertIn("How does RAG work?", titles)  # the Markdown heading became the title

    def test_documents_the_service_refuses_are_listed_and_fail_the_run(self):
        folder = tempfile.mkdtemp(dir=self.dir)
        with open(os.path.join(folder, "good.txt"), "w") as f:
            f.write("Vector search finds the nearest embeddings.\n")
        with open(os.path.join(folder, "bad.txt"), "wb") as f:
            f.write(b"not utf-8: \xff\xfe\n")
        with open(os.path.join(folder, "ignored.bin"), "wb") as f:
            f.write(b"\x00\x01")
        result = ingest(folder, "--host", self.url, "--api-key", API_KEY, "-q")
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("ingested 1 of 2 documents", result.stdout)
        self.assertIn("bad.txt: HTTP 400", result.stderr)
        self.assertIn("UTF-8", result.stderr)

    def test_missing_key_is_reported_per_document(self):
        result = ingest(CORPUS, "--host", self.url, "-q", "--connections", "2")
        self.assertEqual(result.returncode, 1)
        self.assertIn("HTTP 401", result.stderr)

    def test_bad_input_gets_one_clear_line(self):
        for args, fragment in [
            (["/nonexistent-folder", "--host", self.url], "/nonexistent-folder"),
            ([CORPUS], "--host"),
            ([CORPUS, "--host", "ftp://x"], "ftp://x"),
            ([CORPUS, "--host", self.url, "--connections", "lots"], "--connections"),
            ([self.dir, "--host", self.url], "no documents"),
        ]:
            result = ingest(*args)
            self.assertEqual(result.returncode, 2, args)
            lines = result.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, result.stderr)
            self.assertIn(fragment, lines[0])

    def test_unreachable_service_fails_every_document_without_hanging(self):
        folder = tempfile.mkdtemp(dir=self.dir)
        with open(os.path.join(folder, "a.md"), "w") as f:
            f.write("# A\n\ntext\n")
        result = ingest(folder, "--host", "http://127.0.0.1:1", "-q")
        self.assertEqual(result.returncode, 1)
        self.assertIn("refused", result.stderr)


class LoadDirTest(unittest.TestCase):
    """`ragscale serve --load-dir`: the folder is loaded into a fresh service, once."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="ragscale-load-dir-test-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def total(self, server):
        for _ in range(200):
            status, _, body = server.request("GET", "/documents?limit=1000", headers=AUTH)
            documents = json.loads(body)
            if status == 200 and documents["total"] > 0 and all(d["status"] == "ready" for d in documents["documents"]):
                return documents["total"]
            time.sleep(0.05)
        return documents["total"]

    def test_folder_is_loaded_at_start_and_not_again_after_a_restart(self):
        data = os.path.join(self.dir, "data")
        expected = len([f for f in os.listdir(CORPUS) if f.endswith(".md")])
        server = Server(data, ["--load-dir", CORPUS])
        try:
            self.assertEqual(self.total(server), expected)
        finally:
            server.process.terminate()
            server.process.wait(timeout=20)
        again = Server(data, ["--load-dir", CORPUS])
        try:
            self.assertEqual(self.total(again), expected)
        finally:
            again.process.terminate()
            again.process.wait(timeout=20)

    def test_missing_folder_is_bad_input(self):
        result = subprocess.run([BIN, "serve", "--port", "0", "--data", os.path.join(self.dir, "d"), "--load-dir",
                                 os.path.join(self.dir, "missing")], capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 2)
        self.assertIn("missing: no such folder", result.stderr)


if __name__ == "__main__":
    unittest.main()

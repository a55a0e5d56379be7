#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/: small real inputs of each kind
(requests, responses, chunked bodies, SSE streams, JSON and multipart bodies, scenarios,
templates). Run it after changing a seed; the fuzzers add their own finds beside these
only when asked to (docs/fuzzing.md)."""
import glob
import os
import re

ROOT = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(ROOT)


def write(target, name, data):
    folder = os.path.join(ROOT, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def write_all(target, seeds):
    for name, data in seeds.items():
        write(target, name, data)


def chunked(*pieces, trailer=""):
    out = "".join("%x\r\n%s\r\n" % (len(p.encode()), p) for p in pieces)
    return out + "0\r\n" + trailer + "\r\n"


JSON_QUERY = '{"question":"what is rag?","max_sources":4,"temperature":0.2,"stream":false}'
CHAT = '{"model":"m","messages":[{"role":"user","content":"hi"}]}'
ERROR = '{"error":{"code":"bad_request","message":"no query"}}'
MULTIPART = ('--XB\r\nContent-Disposition: form-data; name="title"\r\n\r\nMy notes\r\n'
             '--XB\r\nContent-Disposition: form-data; name="file"; filename="notes.md"\r\n'
             'Content-Type: text/markdown\r\n\r\n# Heading\r\nline two\r\n--XB--\r\n')
SSE = ('data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n'
       'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n'
       'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"lo [1]"}}]}\n\n'
       'data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
       'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}\n\n'
       'data: [DONE]\n\n')

# --- HTTP requests -----------------------------------------------------------------
requests = {
    "get": "GET / HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
    "get_query": "GET /api/v1/search?q=what%20is%20rag%3F&top_k=5&x=a+b HTTP/1.1\r\nHost: h\r\nAccept: */*\r\n\r\n",
    "post_json": "POST /query HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nX-API-Key: secret\r\n"
                 "Content-Length: %d\r\n\r\n%s" % (len(JSON_QUERY), JSON_QUERY),
    "post_chunked": "POST /api/v1/documents HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunked('{"title":"a",', '"text":"b"}'),
    "pipelined": "GET /health HTTP/1.1\r\nHost: h\r\n\r\nGET /metrics HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
    "http10": "GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    "head": "HEAD /health HTTP/1.1\r\nHost: h\r\n\r\n",
    "multipart": "POST /api/v1/documents/upload HTTP/1.1\r\nHost: h\r\n"
                 "Content-Type: multipart/form-data; boundary=XB\r\nContent-Length: %d\r\n\r\n%s" % (len(MULTIPART), MULTIPART),
    "expect": "POST /v1/embeddings HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
    "upgrade": "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nrest",
    "connect": "CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\nContent-Length: 1\r\n\r\n{}",
    "chat": "POST /v1/chat/completions HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
            "Content-Length: %d\r\n\r\n%s" % (len(CHAT), CHAT),
    # Heads the reader refuses, and heads with two faults whose status once depended on
    # how the bytes were split (the fuzzer's second pass has a 64-byte, 4-field limit).
    "no_host": "GET /health HTTP/1.1\r\nAccept: */*\r\n\r\n",
    "two_hosts": "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    "expect_other": "PUT /x HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx",
    "bare_lf_past_limit": "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + "p" * 80 + "\n\r\n",
    "long_line_bare_lf": "GET /" + "a" * 80 + " HTTP/1.1\n\r\n",
    "nul_and_long": "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: UpgT /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
                    "Upgrade: websocke\x00t\rrade\r\nUpgrade: websocke\x00t\r\n\r\nrest",
}
write_all("request_head_fuzzer", requests)

# --- HTTP responses ----------------------------------------------------------------
responses = {
    "ok_length": "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}",
    "chunked_trailer": "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked("hello ", "world", trailer="X-Trace: 1\r\n"),
    "sse": "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"
           + chunked(*SSE.split("\n\n")[:-1]),
    "no_content": "HTTP/1.1 204 No Content\r\n\r\n",
    "not_modified": "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
    "close_delimited": "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody until eof",
    "http10": "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    "continue": "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 9\r\n\r\n{\"id\":1}\n",
    "pipelined": "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n",
    "error_json": "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                  % (len(ERROR), ERROR),
}
write_all("http_response_fuzzer", responses)

# --- chunked bodies ----------------------------------------------------------------
chunks = {
    "two": chunked("hello ", "world"),
    "empty": "0\r\n\r\n",
    "extension": "5;name=value\r\nhello\r\n0;last\r\n\r\n",
    "upper_hex": "A\r\n0123456789\r\n0\r\n\r\n",
    "trailer": chunked("x", trailer="Content-MD5: abc\r\nX-Other: 2\r\n"),
    "sse": chunked(*[e + "\n\n" for e in SSE.split("\n\n")[:-1]]),
    "then_next": chunked("a") + "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb",
    "leading_zeros": "0005\r\nhello\r\n0\r\n\r\n",
}
write_all("http_chunked_fuzzer", chunks)
write_all("chunked_decoder_fuzzer", chunks)

# --- SSE streams -------------------------------------------------------------------
sse = {
    "chat": SSE,
    "crlf_comment": SSE.replace("\n", "\r\n").replace("data: [DONE]", ": keep-alive\r\n\r\ndata: [DONE]"),
    "event_names": 'event: message\nid: 1\nretry: 10\ndata: {"choices":[{"delta":{"content":"x"}}]}\n\n',
    "no_space": 'data:{"choices":[{"delta":{"content":"tight"}}]}\n\n',
    "unicode": 'data: {"choices":[{"delta":{"content":"caf\\u00e9 \\ud83d\\ude00 \\"q\\""}}]}\n\n',
    "odd_shapes": 'data: {"choices":{}}\n\ndata: {"choices":[1]}\n\ndata: {"choices":[{"delta":[]}]}\n\n'
                  'data: {"choices":[{"delta":{"content":5}}]}\n\ndata: not json\n\n',
    "unterminated": 'data: {"choices":[{"delta":{"content":"cut"}}]}',
}
write_all("sse_stream_fuzzer", sse)

# --- JSON bodies of serve ----------------------------------------------------------
json_bodies = {
    "query": JSON_QUERY,
    "search": '{"query":"vectors","top_k":5}',
    "upload": '{"title":"note","text":"Some text.\\nMore."}',
    "login": '{"username":"ann","password":"pa"}',
    "wrong_types": '{"question":42,"top_k":2.5,"temperature":"hot","stream":"yes"}',
    "edge_numbers": '{"top_k":9223372036854775807,"temperature":1e400,"max_sources":-0}',
    "not_object": "[1,2]",
    "escapes": '{"question":"caf\\u00e9 \\ud800 \\"x\\"","title":null}',
}
write_all("json_input_fuzzer", json_bodies)

# --- OpenAI request bodies ---------------------------------------------------------
openai = {
    "chat": '{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Use the sources."},'
            '{"role":"user","content":[{"type":"text","text":"What is ML?"},{"type":"image_url","image_url":{"url":"x"}}]}],'
            '"max_tokens":50,"stream":true,"stream_options":{"include_usage":true},"temperature":0.2}',
    "chat_min": '{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":7}',
    "chat_null": '{"messages":[{"role":"assistant","content":null},{"role":"user","content":"x"}],"n":1}',
    "completion": '{"model":"m","prompt":"Say hello","stream":true}',
    "completion_list": '{"prompt":["one"],"max_tokens":3}',
    "embedding": '{"model":"e","input":"hello world"}',
    "embedding_many": '{"input":["a","b c"],"encoding_format":"base64","dimensions":64}',
    "embedding_tokens": '{"input":[[1,2],[3]]}',
}
write_all("openai_request_fuzzer", openai)

# --- multipart ---------------------------------------------------------------------
multipart = {
    "upload": "multipart/form-data; boundary=XB\n" + MULTIPART,
    "quoted_boundary": 'Multipart/Form-Data; charset=utf-8; boundary="x y"\n--x y\r\n'
                       'Content-Disposition: form-data; name="f"; filename="a b.txt"\r\n\r\ntext\r\n--x y--\r\n',
    "empty": "multipart/form-data; boundary=B\n--B--\r\n",
    "preamble": "multipart/form-data; boundary=B\npreamble\r\n--B\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--B--",
}
write_all("multipart_fuzzer", multipart)

# --- scenarios ---------------------------------------------------------------------
for path in sorted(glob.glob(os.path.join(REPO, "scenarios", "*.yaml"))):
    write("scenario_fuzzer", os.path.basename(path), open(path, "rb").read())
test_source = open(os.path.join(REPO, "src", "load", "scenario", "scenario_parser_test.cpp")).read()
full = re.search(r'kFullScenario = R"\((.*?)\)";', test_source, re.S)
if full:
    write("scenario_fuzzer", "full_test.yaml", full.group(1))
write("scenario_fuzzer", "data_kinds.yaml",
      "data:\n  u: {file: users.csv}\n  j: {file: items.jsonl}\n  v: {values: [a, 1, 'x y']}\n"
      "users:\n  - tasks:\n      - {path: \"/i/{{ pick(j).q }}\", query: {u: \"{{ user_data.u.name }}\", v: \"{{ pick(v) }}\"}}\n"
      "load: {stages: [{duration: 10s, target: 5}, {duration: 5s, target: 0}]}\n")

# --- templates ---------------------------------------------------------------------
templates = {
    "pick": "{{ pick(questions) }}",
    "columns": "{{ pick(users).name }}:{{ pick(users).password }}/{{ user_data.users.n }}",
    "numbers": "k={{ randint(1, 8) }}&f={{ randfloat(0.5, 1.5) }}",
    "ids": "{{ uuid() }}-{{ counter() }}-{{ user_id }}-{{ iteration }}",
    "env": "{{ env.HOST }}{{ env.MISSING|fallback }}{{ env.MISSING | \"a b\" }}{{ env.ODD }}",
    "vars": "Bearer {{ vars.token }} say \"{{ vars.v }}\"\n",
    "literal": "plain text with % and \"quotes\" and {braces}",
    "unclosed": "{{ pick(questions) ",
}
write_all("template_fuzzer", templates)

# --- step bodies (json:, form:, multipart:) ----------------------------------------
bodies = {
    "json": '{question: "{{ pick(questions) }}", max_sources: 4, k: "{{ randint(1,8) }}", note: "q {{ randint(1,1) }}",'
            ' flag: true, none: null, quoted: "4", list: [1, "two", {three: ~}]}',
    "json_vars": '{token: "{{ vars.token }}", n: "{{ pick(users).n }}", env: "{{ env.ODD }}"}',
    "form": '{a: "x y", b: "{{ counter() }}", "k&=": "{{ vars.v }}"}',
    "multipart": '{title: "t", file: {filename: "{{ vars.name }}.txt", content: "hello {{ pick(questions) }}", content_type: text/plain}}',
    "scalar": '"{{ pick(questions) }}"',
}
write_all("scenario_body_fuzzer", bodies)

# --- data files (lines, CSV, JSONL) ------------------------------------------------
data_files = {
    "lines": "what is rag?\n\nwhat is a vector?\r\n  \nlast line without newline",
    "csv": "name,password\nann,pa\nbob,\"p,b\"\n",
    "csv_quotes": "q,\"multi\nline\"\n\"say \"\"hi\"\"\",2\r\n,\n",
    "jsonl": '{"q":"one","k":1}\n{"q":"two","tags":["a"],"n":null}\n\n{"k":2.5}\n',
    "jsonl_infinite": '{"n":9223372035e300,"o":{"m":-9223372035e300}}\n',
}
write_all("data_source_fuzzer", data_files)

# --- response bodies the load generator judges -------------------------------------
response_bodies = {
    "answer": '{"answer":"RAG combines retrieval [1].","sources":[{"title":"a","score":0.9},{"title":"b"}],"status":"ready"}',
    "items": '{"items":[{"id":"d1"},{"id":2}],"n":5,"a/b":[true],"~":[1]}',
    "token": '{"access_token":"eyJ.x.y","token_type":"bearer","expires_in":3600}',
    "numbers": '{"n":5.0,"items":[],"status":null,"big":18446744073709551615,"neg":-9223372036854775808,"f":1e-300}',
    "not_json": "answer: plain text",
    "array": '[{"id":1},"x",null]',
    # Found by this target: rapidjson reads this number as -inf, which cut value_text short.
    "infinite_number": '{"n":5.0,"items":[],"status":null,"big":44073709551615,"neg":-9223372035e300}',
}
write_all("response_checks_fuzzer", response_bodies)

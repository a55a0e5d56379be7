#include "serve/api/document_routes.h"

#include <charconv>
#include <cstdio>
#include <thread>

#include "common/document_folder.h"
#include "serve/api/api_error.h"
#include "serve/api/json_input.h"
#include "serve/api/request_params.h"
#include "serve/api/multipart.h"
#include "serve/api/response_json.h"
#include "serve/text/utf8.h"

namespace ragscale::serve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxTitleBytes = 1024;

int64_t parse_id(const std::string& text) {
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw ApiError(400, "document id must be a positive whole number, got \"" + text + "\"");
  }
  return id;
}

struct Upload {
  std::string title;
  std::string text;
};

// The document in an upload body, whatever its form; throws ApiError saying what is wrong.
Upload read_upload(std::string& body, const std::string& content_type, std::string title) {
  Upload upload;
  if (auto boundary = multipart_boundary(content_type)) {
    std::vector<MultipartPart> parts;
    try {
      parts = parse_multipart(body, *boundary);
    } catch (const std::invalid_argument& e) {
      throw ApiError(400, std::string("malformed multipart body: ") + e.what());
    }
    const MultipartPart* file = nullptr;
    for (const auto& part : parts) {
      if (part.name == "file" || (!file && !part.filename.empty())) file = &part;
      if (part.name == "title" && title.empty()) title = std::string(part.body);
    }
    if (!file) throw ApiError(400, "multipart upload needs a part named \"file\" holding the document");
    if (title.empty()) title = file->filename;
    upload.text = std::string(file->body);
  } else if (content_type.find("json") != std::string::npos || content_type.empty()) {
    JsonInput input(body);
    auto json_text = input.string("text");
    if (!json_text) json_text = input.string("content");
    if (!json_text) throw ApiError(400, "field \"text\" is required (the document's content)");
    upload.text = std::move(*json_text);
    if (auto json_title = input.string("title")) title = std::move(*json_title);
  } else if (content_type.rfind("text/", 0) == 0) {
    upload.text = std::move(body);
  } else if (content_type.rfind("multipart/", 0) == 0) {
    throw ApiError(400, "multipart upload needs Content-Type: multipart/form-data; boundary=...");
  } else {
    throw ApiError(415, "unsupported Content-Type \"" + content_type +
                            "\"; send multipart/form-data with a file field, application/json "
                            "{title, text}, or text/plain");
  }
  if (auto bad = find_invalid_utf8(upload.text)) {
    throw ApiError(400, "document is not valid UTF-8 (first invalid byte at offset " + std::to_string(*bad) +
                            "); convert it to UTF-8 and upload again");
  }
  if (find_invalid_utf8(title)) throw ApiError(400, "title is not valid UTF-8");
  if (title.size() > kMaxTitleBytes) {
    throw ApiError(400, "title is " + std::to_string(title.size()) + " bytes; the limit is " +
                            std::to_string(kMaxTitleBytes));
  }
  if (is_blank(upload.text)) throw ApiError(400, "document text is empty");
  upload.title = title.empty() ? "untitled" : std::move(title);
  return upload;
}

}  // namespace

void handle_upload(ServiceContext& context, http::Request& request, http::Responder& responder, Clock::time_point start) {
  if (context.stopping.load()) throw ApiError(503, "server is shutting down");
  std::string content_type(request.headers.get("Content-Type").value_or(""));
  std::string title = request.query_param("title").value_or("");
  // The body moves into the task: uploads can be 100 MB and must not be copied.
  auto body = std::make_shared<std::string>(std::move(request.body));
  context.offload(responder, Route::kUpload, start, [&context, body, content_type, title]() -> Reply {
    Upload upload = read_upload(*body, content_type, title);
    int64_t id = context.store->add_document(upload.title, upload.text);  // durable before the 201
    context.index_changed();
    schedule_ingestion(context, id);
    Reply reply = json_reply(201, "{\"id\":" + std::to_string(id) + ",\"status\":\"processing\"}\n");
    reply.headers.add("Location", "/api/v1/documents/" + std::to_string(id) + "/status");
    return reply;
  });
}

void schedule_ingestion(ServiceContext& context, int64_t id) {
  context.ingestion_pending.fetch_add(1);
  bool queued = context.ingestion->submit([&context, id] {
    // Chunks added to the dense index before it is loaded would be lost when the
    // loaded graph replaces it, so uploads accepted during startup wait here.
    while (!context.ready.load() && !context.stopping.load() && !context.startup_failed.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    // A job not run before shutdown stays in storage and resumes at the next start.
    if (context.ready.load() && !context.stopping.load()) context.ingestor->ingest(id);
    context.ingestion_pending.fetch_sub(1);
  });
  if (!queued) context.ingestion_pending.fetch_sub(1);
}

void handle_list(ServiceContext& context, http::Request& request, http::Responder& responder, Clock::time_point start) {
  int64_t offset = query_int(request, "offset", 0, INT64_MAX / 2, 0);
  int64_t limit = query_int(request, "limit", 1, 1000, 20);
  context.offload(responder, Route::kList, start, [&context, offset, limit]() -> Reply {
    auto documents = context.store->list_documents(offset, limit);
    return json_reply(200, document_list_json(documents, context.store->document_count(), offset, limit));
  });
}

void handle_document(ServiceContext& context, const MatchedRoute& matched, http::Request& request,
                     http::Responder& responder, Clock::time_point start) {
  int64_t id = parse_id(matched.id_text);
  bool remove = request.method == "DELETE";
  bool status_only = matched.route == Route::kStatus;
  context.offload(responder, matched.route, start, [&context, id, remove, status_only]() -> Reply {
    if (remove) {
      if (!context.ingestor->remove_document(id)) throw ApiError(404, "no document with id " + std::to_string(id));
      return json_reply(200, "{\"id\":" + std::to_string(id) + ",\"deleted\":true}\n");
    }
    auto info = context.store->document(id);
    if (!info) throw ApiError(404, "no document with id " + std::to_string(id));
    return json_reply(200, status_only ? document_status_json(*info) : document_json(*info));
  });
}

void load_folder(ServiceContext& context, const std::string& folder) {
  if (context.store->document_count() > 0) {
    std::fprintf(stderr, "ragscale serve: %s not loaded: the data directory already holds documents\n",
                 folder.c_str());
    return;
  }
  size_t loaded = 0;
  for (const auto& file : documents_in(folder)) {
    std::string text = read_document(file);
    if (find_invalid_utf8(text) || is_blank(text)) {
      std::fprintf(stderr, "ragscale serve: skipped %s: empty or not UTF-8\n", file.c_str());
      continue;
    }
    schedule_ingestion(context, context.store->add_document(document_title(file, text), text));
    context.index_changed();
    ++loaded;
  }
  std::fprintf(stderr, "ragscale serve: loading %zu documents from %s\n", loaded, folder.c_str());
}

}  // namespace ragscale::serve

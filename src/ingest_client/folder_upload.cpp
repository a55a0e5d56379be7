#include "ingest_client/folder_upload.h"

#include <rapidjson/document.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <stdexcept>

#include "common/bounded_json.h"
#include "common/document_folder.h"
#include "http/client_connection.h"
#include "http/message.h"
#include "http/request_format.h"
#include "net/event_loop.h"

namespace ragscale::ingest_client {

namespace fs = std::filesystem;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(100);

// The "error" message of a JSON error body ({"error":{"code":..,"message":..}}), or the body.
std::string error_message(int status, std::string_view body) {
  rapidjson::Document json;
  bool parsed = parse_bounded_json(json, body).ok();
  std::string message(body.substr(0, 200));
  if (parsed && json.IsObject() && json.HasMember("error") && json["error"].IsObject() &&
      json["error"].HasMember("message") && json["error"]["message"].IsString()) {
    message = json["error"]["message"].GetString();
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return "HTTP " + std::to_string(status) + ": " + message;
}

// One upload-then-poll worker: a connection that takes the next file when idle.
class Uploader final : public http::ClientConnection::Listener {
 public:
  struct Shared {
    net::EventLoop loop;
    const UploadSettings* settings = nullptr;
    std::vector<FileOutcome>* outcomes = nullptr;
    size_t next_file = 0;
    std::deque<size_t> to_poll;  // indexes of accepted documents not yet settled
    Progress progress;
    std::function<void(const Progress&)> on_progress;
    net::TimePoint ready_deadline{};
    std::vector<net::TimePoint> last_polled;  // per document
  };

  explicit Uploader(Shared& shared)
      : shared_(shared),
        connection_(shared.loop, shared.settings->address, this),
        poll_timer_([this] {
          shared_.last_polled[current_] = net::Clock::now();
          poll((*shared_.outcomes)[current_]);
        }) {}

  ~Uploader() override { shared_.loop.disarm(poll_timer_); }

  void next() {
    auto& outcomes = *shared_.outcomes;
    if (shared_.next_file < outcomes.size()) {
      current_ = shared_.next_file++;
      polling_ = false;
      upload(outcomes[current_]);
      return;
    }
    if (!shared_.to_poll.empty()) {
      if (net::Clock::now() >= shared_.ready_deadline) {
        for (size_t index : shared_.to_poll) {
          outcomes[index].error = "not ready within the wait timeout";
          ++shared_.progress.settled;
        }
        shared_.to_poll.clear();
        report();
      } else {
        current_ = shared_.to_poll.front();
        shared_.to_poll.pop_front();
        polling_ = true;
        // Each document is asked about at most every kPollInterval: no tight loop.
        const net::TimePoint due = shared_.last_polled[current_] + kPollInterval;
        if (due > net::Clock::now()) {
          shared_.loop.arm(poll_timer_, due);
          return;
        }
        shared_.last_polled[current_] = net::Clock::now();
        poll(outcomes[current_]);
        return;
      }
    }
    if (shared_.progress.settled == outcomes.size()) shared_.loop.stop();
  }

  void on_response(http::ClientConnection&, const http::ClientResult& result) override {
    FileOutcome& outcome = (*shared_.outcomes)[current_];
    if (result.error != http::ClientError::kNone) {
      outcome.error = std::string(http::to_string(result.error)) +
                      (result.error_detail.empty() ? "" : " (" + result.error_detail + ")");
      settle(!polling_);
    } else if (!polling_) {
      on_uploaded(outcome, result);
    } else {
      on_status(outcome, result);
    }
    shared_.loop.defer([this] { next(); });
  }

 private:
  void send(const std::string& method, const std::string& target, const std::string& body,
            std::vector<std::pair<std::string, std::string>> headers) {
    const UploadSettings& settings = *shared_.settings;
    if (!settings.api_key.empty()) headers.emplace_back("X-API-Key", settings.api_key);
    request_ = http::format_request(method, settings.base_path + target, settings.host_header, headers, body);
    http::ClientConnection::RequestOptions options;
    options.capture_body = true;
    options.timeout = settings.request_timeout;
    connection_.send(request_, options);
  }

  void upload(const FileOutcome& outcome) {
    std::string text;
    try {
      text = read_document(outcome.file);
    } catch (const std::exception& error) {
      (*shared_.outcomes)[current_].error = error.what();
      settle(true);
      shared_.loop.defer([this] { next(); });
      return;
    }
    const std::string title = document_title(outcome.file, text);
    send("POST", "/api/v1/documents/upload?title=" + http::url_encode(title), text,
         {{"Content-Type", "text/plain; charset=utf-8"}});
  }

  void poll(const FileOutcome& outcome) {
    send("GET", "/api/v1/documents/" + std::to_string(outcome.id) + "/status", "", {});
  }

  void on_uploaded(FileOutcome& outcome, const http::ClientResult& result) {
    ++shared_.progress.uploaded;
    if (result.status != 201 && result.status != 200 && result.status != 202) {
      outcome.error = error_message(result.status, result.body);
      ++shared_.progress.settled;
      report();
      return;
    }
    rapidjson::Document json;
    bool parsed = parse_bounded_json(json, result.body).ok();
    if (!parsed || !json.IsObject() || !json.HasMember("id") || !json["id"].IsInt64()) {
      outcome.error = "the upload answer has no numeric \"id\"";
      ++shared_.progress.settled;
      report();
      return;
    }
    outcome.id = json["id"].GetInt64();
    shared_.to_poll.push_back(current_);
    report();
  }

  void on_status(FileOutcome& outcome, const http::ClientResult& result) {
    rapidjson::Document json;
    bool parsed = parse_bounded_json(json, result.body).ok();
    std::string status;
    if (result.status == 200 && parsed && json.IsObject() && json.HasMember("status") &&
        json["status"].IsString()) {
      status = json["status"].GetString();
    }
    if (status == "ready") {
      outcome.ready = true;
      settle(false);
    } else if (status == "failed") {
      std::string why = json.HasMember("error") && json["error"].IsString() ? json["error"].GetString() : "";
      outcome.error = "ingestion failed" + (why.empty() ? "" : ": " + why);
      settle(false);
    } else if (result.status != 200) {
      outcome.error = error_message(result.status, result.body);
      settle(false);
    } else {
      shared_.to_poll.push_back(current_);  // still processing: ask again later
    }
  }

  void settle(bool count_upload) {
    if (count_upload) ++shared_.progress.uploaded;
    ++shared_.progress.settled;
    report();
  }

  void report() {
    if (shared_.on_progress) shared_.on_progress(shared_.progress);
  }

 private:
  Shared& shared_;
  http::ClientConnection connection_;
  net::Timer poll_timer_;
  std::string request_;
  size_t current_ = 0;
  bool polling_ = false;
};

}  // namespace

std::vector<FileOutcome> upload_folder(const std::vector<fs::path>& files, const UploadSettings& settings,
                                       const std::function<void(const Progress&)>& on_progress) {
  std::vector<FileOutcome> outcomes;
  for (const auto& file : files) {
    FileOutcome outcome;
    outcome.file = file;
    outcomes.push_back(std::move(outcome));
  }
  Uploader::Shared shared;
  shared.settings = &settings;
  shared.outcomes = &outcomes;
  shared.progress.files = files.size();
  shared.on_progress = on_progress;
  shared.ready_deadline = net::Clock::now() + settings.ready_timeout;
  shared.last_polled.assign(files.size(), net::TimePoint{});
  std::vector<std::unique_ptr<Uploader>> uploaders;
  const int count = std::max(1, std::min<int>(settings.connections, static_cast<int>(files.size())));
  for (int i = 0; i < count; ++i) uploaders.push_back(std::make_unique<Uploader>(shared));
  for (auto& uploader : uploaders) uploader->next();
  if (shared.progress.settled < outcomes.size()) shared.loop.run();
  return outcomes;
}

}  // namespace ragscale::ingest_client

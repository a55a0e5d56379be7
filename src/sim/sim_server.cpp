#include "sim/sim_server.h"

#include <future>

#include "sim/embedding.h"
#include "sim/generation.h"
#include "sim/openai_request.h"
#include "sim/openai_wire_format.h"

namespace ragscale::sim {

namespace {

// The caller's API key: "Authorization: Bearer KEY", else Azure's "api-key" header.
std::string api_key(const http::Request& request) {
  if (auto authorization = request.headers.get("Authorization")) {
    std::string_view value = *authorization;
    if (value.size() > 7 && http::iequals(value.substr(0, 7), "Bearer ")) return std::string(value.substr(7));
    return std::string(value);
  }
  if (auto key = request.headers.get("api-key")) return std::string(*key);
  return {};
}

std::string_view route_path(const http::Request& request) {
  std::string_view path = request.path();
  if (path.substr(0, 4) == "/v1/") path.remove_prefix(3);
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

void send_json(http::Responder& responder, int status, std::string body, const http::Headers& headers = {}) {
  responder.send(status, "application/json", std::move(body), headers);
}

std::string_view error_type_for(int status) {
  if (status == 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

// An embeddings answer (or a reset) held until its latency has passed.
class DelayedReply final : public PendingWork {
 public:
  DelayedReply(SimState& state, http::Responder responder, std::string body, http::Headers headers, bool reset)
      : state_(state),
        responder_(std::move(responder)),
        body_(std::move(body)),
        headers_(std::move(headers)),
        reset_(reset),
        timer_([this] { fire(); }) {}

  void arm(net::TimePoint due) { state_.loop->arm(timer_, due); }

  void cancel() override {
    state_.loop->disarm(timer_);
    responder_.abort();
    state_.retire(this);
  }

 private:
  void fire() {
    if (reset_) {
      responder_.abort();
      state_.metrics.count_fault("reset");
    } else {
      responder_.send(200, "application/json", std::move(body_), headers_);
      state_.metrics.count_request("embeddings", 200);
    }
    state_.retire(this);
  }

  SimState& state_;
  http::Responder responder_;
  std::string body_;
  http::Headers headers_;
  bool reset_;
  net::Timer timer_;
};

}  // namespace

SimServer::SimServer(SimConfig config) : state_(std::make_unique<SimState>(std::move(config))) {
  const SimConfig& c = state_->config;
  http::HttpServer::Options options;
  options.host = c.host;
  options.port = c.port;
  options.threads = 1;
  options.limits.max_connections = c.max_connections;
  options.limits.max_body_bytes = c.max_body_bytes;
  options.limits.head_timeout = c.header_timeout;
  options.limits.body_timeout = c.body_timeout;
  options.server_name = "ragscale-sim";
  http_ = std::make_unique<http::HttpServer>(options,
                                             [this](http::Request& request, http::Responder responder) {
                                               handle(request, std::move(responder));
                                             });
}

SimServer::~SimServer() {
  shutdown();
  // Work still pending refers to the (stopped) loop; drop it while the loop exists.
  state_.reset();
}

void SimServer::start() {
  http_->start();
  state_->loop = http_->loops().front();
  // Outage windows given at start count from now; set on the loop thread like every change.
  std::promise<void> ready;
  state_->loop->post([this, &ready] {
    state_->faults.set(state_->config.faults, net::Clock::now());
    ready.set_value();
  });
  ready.get_future().wait();
}

uint16_t SimServer::port() const { return http_->port(); }

void SimServer::shutdown() {
  if (stopped_ || state_->loop == nullptr) return;
  stopped_ = true;
  std::promise<void> drained;
  state_->loop->post([this, &drained] {
    state_->draining = true;
    for (auto& responder : state_->hung) responder.abort();
    state_->hung.clear();
    std::vector<PendingWork*> queued;
    for (auto& [raw, work] : state_->pending) {
      if (auto* generation = dynamic_cast<Generation*>(raw); generation != nullptr && generation->queued()) {
        queued.push_back(raw);
      }
    }
    for (PendingWork* work : queued) work->cancel();
    drained.set_value();
  });
  drained.get_future().wait();
  http_->shutdown(state_->config.shutdown_grace);
}

uint64_t SimServer::requests_answered() const { return state_->metrics.requests(); }
uint64_t SimServer::completion_tokens() const { return state_->metrics.completion_tokens(); }

void SimServer::handle(http::Request& request, http::Responder responder) {
  std::string_view path = route_path(request);
  const bool get = request.method == "GET" || request.method == "HEAD";  // the server sends HEAD no body
  const bool post = request.method == "POST";
  auto wrong_method = [&](const char* allowed) {
    http::Headers headers;
    headers.add("Allow", allowed);
    send_json(responder, 405,
              openai_error_json("Method " + request.method + " is not allowed on " + std::string(request.path()) +
                                    "; use " + allowed + ".",
                                "invalid_request_error"),
              headers);
    state_->metrics.count_request("other", 405);
  };
  if (path == "/chat/completions") {
    if (!post) return wrong_method("POST");
    return handle_completion(request, std::move(responder), true);
  }
  if (path == "/completions") {
    if (!post) return wrong_method("POST");
    return handle_completion(request, std::move(responder), false);
  }
  if (path == "/embeddings") {
    if (!post) return wrong_method("POST");
    return handle_embeddings(request, std::move(responder));
  }
  if (path == "/models") {
    if (!get) return wrong_method("GET");
    send_json(responder, 200, models_json({state_->config.model, state_->config.embedding_model}, 1700000000));
    state_->metrics.count_request("models", 200);
    return;
  }
  if (path == "/health") {
    if (!get) return wrong_method("GET");
    return handle_health(std::move(responder));
  }
  if (path == "/metrics") {
    if (!get) return wrong_method("GET");
    return handle_metrics(std::move(responder));
  }
  if (path == "/admin/faults") {
    if (!get && !post) return wrong_method("GET, POST");
    return handle_admin_faults(request, std::move(responder));
  }
  send_json(responder, 404,
            openai_error_json("Invalid URL (" + request.method + " " + std::string(request.path()) +
                                  "); the simulator serves /v1/chat/completions, /v1/completions, /v1/embeddings, "
                                  "/v1/models, /health, /metrics and /admin/faults.",
                              "invalid_request_error", "", "unknown_url"));
  state_->metrics.count_request("other", 404);
}

void SimServer::handle_completion(http::Request& request, http::Responder responder, bool chat) {
  SimState& state = *state_;
  const char* endpoint = chat ? "chat" : "completions";
  const auto arrived = net::Clock::now();
  CompletionRequest parsed;
  try {
    parsed = chat ? parse_chat_request(request.body, state.config.model)
                  : parse_text_completion_request(request.body, state.config.model);
  } catch (const InvalidRequest& e) {
    send_json(responder, 400, openai_error_json(e.what(), "invalid_request_error", e.param()));
    state.metrics.count_request(endpoint, 400);
    return;
  }
  // OpenAI counts a request's tokens as its prompt plus the most it may generate.
  uint64_t expected_output = parsed.max_tokens ? *parsed.max_tokens
                                               : static_cast<uint64_t>(state.config.output_tokens.mean() + 0.5);
  http::Headers headers;
  FaultDecision fault;
  if (!admit(request, responder, endpoint, parsed.model, parsed.prompt_tokens + expected_output, arrived, headers, fault)) {
    return;
  }
  state.metrics.add_prompt_tokens(parsed.prompt_tokens);
  auto* generation = state.adopt(std::make_unique<Generation>(state, std::move(responder), std::move(parsed), fault,
                                                              std::move(headers), arrived));
  generation->begin();
}

bool SimServer::admit(const http::Request& request, http::Responder& responder, std::string_view endpoint,
                      std::string_view model, uint64_t tokens, net::TimePoint arrived, http::Headers& headers,
                      FaultDecision& fault) {
  SimState& state = *state_;
  if (state.draining) {
    send_json(responder, 503, openai_error_json("The server is shutting down.", "server_error", "", "server_shutting_down"));
    state.metrics.count_request(endpoint, 503);
    return false;
  }
  RateDecision limit = state.limiter.admit(api_key(request), tokens, arrived);
  state.limiter.add_headers(limit, headers);
  if (!limit.allowed) {
    std::string_view which = limit.hit == RateLimitHit::kTokens ? "tokens" : "requests";
    send_json(responder, 429,
              openai_error_json(state.limiter.refusal_message(limit, model), which, "", "rate_limit_exceeded"), headers);
    state.metrics.count_rate_limited(which);
    state.metrics.count_request(endpoint, 429);
    return false;
  }
  fault = state.faults.decide(arrived, state.random);
  if (fault.kind == FaultKind::kOutage || fault.kind == FaultKind::kError) {
    bool outage = fault.kind == FaultKind::kOutage;
    if (fault.status == 503 || fault.status == 429) headers.add("Retry-After", "1");
    send_json(responder, fault.status,
              openai_error_json(outage ? "The model is unavailable (scheduled outage)."
                                       : "The server had an error while processing your request.",
                                error_type_for(fault.status), "", outage ? "outage" : "injected_error"),
              headers);
    state.metrics.count_fault(outage ? "outage" : "error");
    state.metrics.count_request(endpoint, fault.status);
    return false;
  }
  if (fault.kind == FaultKind::kTimeout) {
    // Entries of clients that left are dropped now and then; the live ones are bounded by
    // the connection limit.
    if (state.hung.size() >= 1024 && (state.hung.size() & (state.hung.size() - 1)) == 0) {
      std::erase_if(state.hung, [](const http::Responder& r) { return !r.alive(); });
    }
    state.hung.push_back(std::move(responder));
    state.metrics.count_fault("timeout");
    return false;
  }
  if (fault.slow_delay.count() > 0) state.metrics.count_fault("slow");
  return true;
}

void SimServer::handle_embeddings(http::Request& request, http::Responder responder) {
  SimState& state = *state_;
  const auto arrived = net::Clock::now();
  EmbeddingRequest parsed;
  try {
    parsed = parse_embedding_request(request.body, state.config.embedding_model);
  } catch (const InvalidRequest& e) {
    send_json(responder, 400, openai_error_json(e.what(), "invalid_request_error", e.param()));
    state.metrics.count_request("embeddings", 400);
    return;
  }
  http::Headers headers;
  FaultDecision fault;
  if (!admit(request, responder, "embeddings", parsed.model, parsed.prompt_tokens, arrived, headers, fault)) return;
  size_t dimensions = parsed.dimensions.value_or(state.config.embedding_dimensions);
  if (parsed.inputs.size() * dimensions > kMaxEmbeddingValues) {
    send_json(responder, 400,
              openai_error_json("This request asks for " + std::to_string(parsed.inputs.size()) + " embeddings of " +
                                    std::to_string(dimensions) + " dimensions; the most one request may ask for is " +
                                    std::to_string(kMaxEmbeddingValues) + " values. Send fewer inputs per request.",
                                "invalid_request_error", "input"));
    state.metrics.count_request("embeddings", 400);
    return;
  }
  std::vector<std::vector<float>> vectors;
  vectors.reserve(parsed.inputs.size());
  for (const auto& input : parsed.inputs) vectors.push_back(embed_text(input, dimensions));
  state.metrics.add_prompt_tokens(parsed.prompt_tokens);
  state.metrics.add_embedding_inputs(parsed.inputs.size());
  auto latency = state.config.embedding_latency.sample_duration(state.random) +
                 state.config.embedding_latency_per_token * static_cast<int64_t>(parsed.prompt_tokens) + fault.slow_delay;
  auto* reply = state.adopt(std::make_unique<DelayedReply>(
      state, std::move(responder), embeddings_json(parsed.model, vectors, parsed.base64, parsed.prompt_tokens),
      std::move(headers), fault.kind == FaultKind::kReset));
  // A reset comes part-way through the work, as a connection dropped by a failing backend.
  if (fault.kind == FaultKind::kReset) latency = std::chrono::microseconds(static_cast<int64_t>(latency.count() * fault.reset_fraction));
  reply->arm(arrived + latency);
}

void SimServer::handle_admin_faults(http::Request& request, http::Responder responder) {
  SimState& state = *state_;
  const auto now = net::Clock::now();
  if (request.method == "POST") {
    try {
      FaultSettings settings = parse_fault_settings_json(request.body);
      state.faults.set(settings, now);
    } catch (const std::invalid_argument& e) {
      send_json(responder, 400, openai_error_json(std::string("Invalid faults: ") + e.what(), "invalid_request_error"));
      state.metrics.count_request("admin", 400);
      return;
    }
  }
  send_json(responder, 200, fault_settings_json(state.faults.current(now)));
  state.metrics.count_request("admin", 200);
}

void SimServer::handle_metrics(http::Responder responder) {
  SimState& state = *state_;
  SimGauges gauges;
  gauges.queue_depth = state.slots.queued();
  gauges.active_generations = state.slots.in_use();
  gauges.active_streams = state.active_streams;
  gauges.generation_slots = state.slots.capacity();
  gauges.hung_requests = state.hung.size();
  gauges.open_connections = http_->open_connections();
  responder.send(200, "text/plain; version=0.0.4; charset=utf-8", state.metrics.render(gauges));
  state.metrics.count_request("metrics", 200);
}

void SimServer::handle_health(http::Responder responder) {
  SimState& state = *state_;
  if (state.faults.in_outage(net::Clock::now())) {
    send_json(responder, 503, "{\"status\":\"outage\"}\n");
    state.metrics.count_request("health", 503);
    return;
  }
  send_json(responder, 200, "{\"status\":\"ok\"}\n");
  state.metrics.count_request("health", 200);
}

}  // namespace ragscale::sim

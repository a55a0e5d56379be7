#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "load/scenario/checks.h"
#include "load/scenario/render.h"
#include "load/scenario/scenario.h"

namespace ragscale::scenario {
namespace {

using namespace std::chrono_literals;

class ScenarioParserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("ragscale_scenario_" + std::to_string(::getpid()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(folder_);
    write("questions.txt", "what is rag?\nwhat is a vector?\n");
    write("users.csv", "name,password\nann,pa\nbob,pb\n");
    options_.getenv = [this](std::string_view name) -> std::optional<std::string> {
      auto found = env_.find(std::string(name));
      if (found == env_.end()) return std::nullopt;
      return found->second;
    };
  }
  void TearDown() override { std::filesystem::remove_all(folder_); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(folder_ / name) << text;
    return (folder_ / name).string();
  }

  Scenario load(const std::string& yaml) { return load_scenario_file(write("s.yaml", yaml), options_); }

  // The error message with the folder stripped, so tests read "s.yaml:LINE:COL: ...".
  std::string error_of(const std::string& yaml) {
    try {
      load(yaml);
    } catch (const ScenarioError& e) {
      std::string message = e.what();
      std::string prefix = folder_.string() + "/";
      if (message.rfind(prefix, 0) == 0) message = message.substr(prefix.size());
      return message;
    }
    return "no error";
  }

  std::filesystem::path folder_;
  std::map<std::string, std::string> env_{{"RAGSCALE_API_KEY", "secret"}};
  ScenarioLoadOptions options_;
};

const char* kFullScenario = R"(host: http://127.0.0.1:8000/api
defaults: {headers: {X-API-Key: "{{ env.RAGSCALE_API_KEY }}"}, timeout: 30s}
data:
  questions: {file: questions.txt}
  topics: {values: [ml, rag, vectors]}
  users: {file: users.csv}
users:
  - name: RagUser
    weight: 3
    wait: 1s..3s
    on_start:
      - {method: POST, path: /auth/login, json: {username: "{{ user_data.users.name }}", password: x}, extract: {token: /access_token}}
    tasks:
      - name: query
        weight: 4
        requests:
          - method: POST
            path: /query
            name: /query
            headers: {Authorization: "Bearer {{ vars.token }}"}
            json: {question: "{{ pick(questions) }}", max_sources: 4, k: "{{ randint(1,8) }}", note: "q {{ randint(1,1) }}", flag: true, none: null, quoted: "4"}
            query: {q: "{{ pick(topics) }}", top_k: 5}
            check: {status: [200, 201], json_has: [/answer], contains: "answer", max_latency: 2s}
            rate_limited: [429]
            rate_limited_is_failure: false
            extract: {doc_id: /id}
            poll: {until: /status, in: [ready, failed], interval: 500ms, max_tries: 20}
      - {path: /health, weight: 1}
  - name: Admin
    fixed_count: 2
    host: http://127.0.0.1:9000
    wait: {pacing: 2s}
    tasks:
      - {method: post, path: /upload, multipart: {title: "t", file: {filename: a.txt, content: "hello", content_type: text/plain}}}
      - {method: PUT, path: /form, form: {a: "x y", b: "{{ counter() }}"}}
      - {method: POST, path: /raw, body: "raw text", content_type: text/csv}
load: {users: 100, spawn_rate: 10, run_time: 10m, stages: [{duration: 1m, target: 100}], rate: 500, max_in_flight: 1000, profile: load, iterations: 1000}
thresholds:
  http_req_duration: ["p(95)<2000", "avg<500"]
  "http_req_duration{name:/query}": ["p(99)<5000"]
  http_req_failed: [{threshold: "rate<0.01", abort_on_fail: true, delay_abort_eval: 10s}]
)";

TEST_F(ScenarioParserTest, ReadsTheFullSchema) {
  Scenario scenario = load(kFullScenario);
  ASSERT_TRUE(scenario.host);
  EXPECT_EQ(scenario.host->port, 8000);
  ASSERT_EQ(scenario.data.size(), 3u);
  ASSERT_EQ(scenario.users.size(), 2u);

  const UserClass& rag = scenario.users[0];
  EXPECT_EQ(rag.name, "RagUser");
  EXPECT_EQ(rag.weight, 3u);
  EXPECT_EQ(rag.wait.kind, WaitSpec::Kind::kBetween);
  EXPECT_EQ(rag.wait.max, 3s);
  ASSERT_EQ(rag.on_start.size(), 1u);
  EXPECT_EQ(rag.on_start[0].extract[0].var, "token");
  ASSERT_EQ(rag.tasks.size(), 2u);
  EXPECT_EQ(rag.tasks[0].name, "query");
  EXPECT_EQ(rag.tasks[0].weight, 4u);
  EXPECT_EQ(rag.tasks[1].name, "/health");
  EXPECT_EQ(rag.task_picker.total_weight(), 5u);

  const RequestSpec& query = rag.tasks[0].steps[0];
  EXPECT_EQ(query.stats_name, "/query");
  EXPECT_EQ(query.check.status.size(), 2u);
  EXPECT_EQ(query.check.max_latency, 2s);
  EXPECT_EQ(query.rate_limited, std::vector<int>{429});
  ASSERT_TRUE(query.poll);
  EXPECT_EQ(query.poll->interval, 500ms);
  EXPECT_EQ(query.poll->max_tries, 20u);
  EXPECT_EQ(query.required_vars, std::vector<std::string>{"token"});
  EXPECT_EQ(query.timeout, 30s);
  EXPECT_FALSE(query.is_static());
  EXPECT_TRUE(rag.tasks[1].steps[0].is_static());
  EXPECT_EQ(query.location.substr(query.location.size() - 9), "s.yaml:17");

  const UserClass& admin = scenario.users[1];
  EXPECT_EQ(admin.fixed_count, 2u);
  EXPECT_EQ(admin.target->port, 9000);
  EXPECT_EQ(admin.wait.kind, WaitSpec::Kind::kPacing);
  ASSERT_TRUE(scenario.user_picker);
  EXPECT_EQ(scenario.user_picker->total_weight(), 3u) << "fixed_count classes are not weighted";

  EXPECT_EQ(scenario.load.users, 100u);
  EXPECT_EQ(scenario.load.run_time, 10min);
  ASSERT_EQ(scenario.load.stages.size(), 1u);
  EXPECT_EQ(scenario.load.stages[0].target, 100);
  EXPECT_EQ(scenario.load.profile, Profile::kLoad);
  EXPECT_EQ(scenario.load.iterations, 1000u);

  ASSERT_EQ(scenario.thresholds.size(), 4u);
  EXPECT_EQ(scenario.thresholds[2].name_filter, "/query");
  EXPECT_TRUE(scenario.thresholds[3].abort_on_fail);
  EXPECT_EQ(scenario.thresholds[3].delay_abort_eval, 10s);
}

TEST_F(ScenarioParserTest, RendersTemplatedRequestsWithTypes) {
  Scenario scenario = load(kFullScenario);
  const UserClass& rag = scenario.users[0];
  UserState user;
  user.user_id = 1;
  Rng rng(5);

  RenderedRequest login = render(rag.on_start[0], user, rng);
  EXPECT_EQ(login.method, "POST");
  EXPECT_EQ(login.target, "/api/auth/login");
  EXPECT_EQ(login.body, R"({"username":"bob","password":"x"})");
  ASSERT_EQ(login.headers.size(), 2u);
  EXPECT_EQ(login.headers[0], (std::pair<std::string, std::string>{"X-API-Key", "secret"}));
  EXPECT_EQ(login.headers[1], (std::pair<std::string, std::string>{"Content-Type", "application/json"}));

  const RequestSpec& query = rag.tasks[0].steps[0];
  ASSERT_NE(missing_var(query, user), nullptr);
  EXPECT_EQ(*missing_var(query, user), "token");
  user.vars["token"] = "t1";
  EXPECT_EQ(missing_var(query, user), nullptr);
  RenderedRequest rendered = render(query, user, rng);
  EXPECT_TRUE(rendered.target == "/api/query?q=ml&top_k=5" || rendered.target == "/api/query?q=rag&top_k=5" ||
              rendered.target == "/api/query?q=vectors&top_k=5")
      << rendered.target;
  EXPECT_EQ(rendered.headers[1].second, "Bearer t1");
  // k is a number because its template yields one; note stays a string; quoted "4" stays a string.
  const std::string& body = rendered.body;
  EXPECT_TRUE(body.rfind(R"({"question":"what is rag?","max_sources":4,"k":)", 0) == 0 ||
              body.rfind(R"({"question":"what is a vector?","max_sources":4,"k":)", 0) == 0)
      << body;
  size_t k = body.find("\"k\":") + 4;
  EXPECT_TRUE(body[k] >= '1' && body[k] <= '8' && body[k + 1] == ',') << body;
  EXPECT_EQ(body.substr(k + 1), R"(,"note":"q 1","flag":true,"none":null,"quoted":"4"})");

  const UserClass& admin = scenario.users[1];
  RenderedRequest upload = render(admin.tasks[0].steps[0], user, rng);
  EXPECT_EQ(upload.method, "POST");
  EXPECT_EQ(upload.target, "/upload");
  EXPECT_NE(upload.body.find("Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                             "Content-Type: text/plain\r\n\r\nhello\r\n"),
            std::string::npos);
  EXPECT_NE(upload.headers.back().second.find("multipart/form-data; boundary="), std::string::npos);
  RenderedRequest form = render(admin.tasks[1].steps[0], user, rng);
  EXPECT_EQ(form.body, "a=x%20y&b=1");
  EXPECT_EQ(form.headers.back().second, "application/x-www-form-urlencoded");
  RenderedRequest raw = render(admin.tasks[2].steps[0], user, rng);
  EXPECT_EQ(raw.body, "raw text");
  EXPECT_EQ(raw.headers.back(), (std::pair<std::string, std::string>{"Content-Type", "text/csv"}));
}

TEST_F(ScenarioParserTest, HostsMayComeFromTheEnvironment) {
  const std::string yaml =
      "host: \"{{ env.TARGET|http://127.0.0.1:8000 }}\"\n"
      "users:\n"
      "  - tasks: [{path: /}]\n"
      "  - host: \"http://{{ env.SIM_HOST }}:9000\"\n"
      "    tasks: [{path: /admin}]\n";
  env_["SIM_HOST"] = "127.0.0.2";
  Scenario scenario = load(yaml);
  EXPECT_EQ(scenario.host->port, 8000);
  EXPECT_EQ(scenario.users[1].target->host, "127.0.0.2");
  env_["TARGET"] = "http://127.0.0.1:7000";
  EXPECT_EQ(load(yaml).host->port, 7000);
  EXPECT_NE(error_of("host: \"http://{{ uuid() }}\"\nusers: [{tasks: [{path: /}]}]\n").find("s.yaml:1:7: host may use only"),
            std::string::npos);
}

TEST_F(ScenarioParserTest, ErrorsNameFileLineAndColumn) {
  EXPECT_EQ(error_of("users:\n  - name: A\n    tasks: [{path: /}]\n    wiat: 1s\n"),
            "s.yaml:4:5: unknown key 'wiat' in a user class; did you mean 'wait'? allowed keys: name, weight, "
            "fixed_count, host, headers, wait, on_start, tasks");
  EXPECT_EQ(error_of("hots: http://x\nusers: []\n"),
            "s.yaml:1:1: unknown key 'hots' in the scenario; did you mean 'host'? allowed keys: host, defaults, data, "
            "users, load, thresholds, description");
  EXPECT_EQ(error_of("users:\n  - tasks:\n      - path: /\n        check: {status: 200, max_latency: fast}\n"),
            "s.yaml:4:43: max_latency: bad duration 'fast': expected a number; use a number with a unit, e.g. 500ms, "
            "10s, 2m, 1h");
  EXPECT_EQ(error_of("host: ftp://x\nusers: [{tasks: [{path: /}]}]\n").substr(0, 55),
            "s.yaml:1:7: bad URL 'ftp://x': unsupported scheme 'ftp'");
  EXPECT_EQ(error_of("users:\n  - tasks:\n      - path: \"/q/{{ pick(nope) }}\"\n").substr(0, 56),
            "s.yaml:3:15: unknown data source 'nope' in 'pick(nope)';");
  EXPECT_EQ(error_of("users:\n  - tasks:\n      - path: /\n        json: {a: \"{{ env.NOPE }}\"}\n"),
            "s.yaml:4:19: environment variable NOPE is not set; export it or give a default: {{ env.NOPE|default }}");
  EXPECT_EQ(error_of("thresholds:\n  http_req_duration: [\"p(95)<<2\"]\nusers: [{tasks: [{path: /}]}]\n"),
            "s.yaml:2:23: bad number '<2' in 'p(95)<<2'; e.g. p(95)<500");
  EXPECT_EQ(error_of("users:\n  - tasks:\n      - path: /\n        headers: {A: \"{{ vars.tokn }}\"}\n"),
            "s.yaml:3:9: vars.tokn is never extracted by user class 'User1'; set it in an earlier step "
            "(extract: {tokn: /json/pointer}) or fix the name");
  EXPECT_EQ(error_of("users:\n  - tasks:\n      - path: /\n        json: {}\n        body: x\n"),
            "s.yaml:5:15: a step takes one body; it has both json and body");
  EXPECT_EQ(error_of("users:\n  - tasks:\n      - path: query\n"),
            "s.yaml:3:15: path 'query' must start with '/'; the host goes in host:");
  EXPECT_EQ(error_of("users:\n  - tasks: [{path: /}]\n    weight: 1\n    fixed_count: 2\n"),
            "s.yaml:4:18: user class 'User1' has both weight and fixed_count; keep one");
  EXPECT_EQ(error_of("users:\n  - tasks: [{path: /, weight: 0}]\n"),
            "s.yaml:2:12: every task of user class 'User1' has weight 0; give one a weight above 0");
  EXPECT_EQ(error_of("load: {profile: chaos}\nusers: [{tasks: [{path: /}]}]\n"),
            "s.yaml:1:17: unknown profile 'chaos'; use smoke, load, stress, spike or soak");
  EXPECT_EQ(error_of("users:\n  - tasks: [{path: /, check: {json_has: [answer]}}]\n"),
            "s.yaml:2:42: 'answer' is not a JSON pointer; write it like /answer or /items/0/id");
  EXPECT_EQ(error_of("users: [{tasks: [{path: /}]}\n"),
            "s.yaml:2:1: invalid YAML: end of sequence flow not found; check indentation and quoting near here");
  EXPECT_EQ(error_of("description: x\n"), "s.yaml:1:1: missing users:; add a list of user classes, e.g. users: [{name: User, tasks: [{path: /}]}]");
  EXPECT_EQ(error_of("data: {q: {file: nope.txt}}\nusers: [{tasks: [{path: /}]}]\n").find("s.yaml:1:18: data source 'q': " + folder_.string() + "/nope.txt: cannot open the file"),
            0u);
  EXPECT_NE(error_of("users:\n  - tasks:\n      - path: /\n        json: {a: {{ uuid() }}}\n").find("must be quoted"),
            std::string::npos);
}

TEST_F(ScenarioParserTest, WaitForms) {
  auto wait_of = [&](const std::string& wait) {
    return load("users:\n  - wait: " + wait + "\n    tasks: [{path: /}]\n").users[0].wait;
  };
  EXPECT_EQ(wait_of("{constant: 1s}").kind, WaitSpec::Kind::kConstant);
  EXPECT_EQ(wait_of("{between: [1s, 3s]}").max, 3s);
  EXPECT_EQ(wait_of("{pacing: 2s}").min, 2s);
  EXPECT_EQ(wait_of("2").min, 2s);
  EXPECT_NE(error_of("users:\n  - wait: {between: [3s, 1s]}\n    tasks: [{path: /}]\n").find("MIN above MAX"),
            std::string::npos);
}

TEST_F(ScenarioParserTest, RetryForms) {
  auto retry_of = [&](const std::string& retry) {
    return load("users:\n  - tasks: [{path: /, retry: " + retry + "}]\n").users[0].tasks[0].steps[0].retry;
  };
  std::optional<RetrySpec> defaults = retry_of("3");
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->attempts, 3u);
  EXPECT_EQ(defaults->base, 100ms);
  EXPECT_EQ(defaults->cap, 2s);
  EXPECT_TRUE(defaults->jitter);
  EXPECT_TRUE(defaults->honour_retry_after);
  ASSERT_EQ(defaults->statuses.size(), 2u);
  EXPECT_TRUE(defaults->statuses[0].contains(429));
  EXPECT_TRUE(defaults->statuses[1].contains(503));
  EXPECT_TRUE(defaults->on_connect);
  EXPECT_FALSE(defaults->on_timeout);

  std::optional<RetrySpec> full =
      retry_of("{attempts: 5, backoff: 50ms..1s, jitter: none, retry_after: false, on: [5xx, timeout, reset]}");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->attempts, 5u);
  EXPECT_EQ(full->base, 50ms);
  EXPECT_EQ(full->cap, 1s);
  EXPECT_FALSE(full->jitter);
  EXPECT_FALSE(full->honour_retry_after);
  ASSERT_EQ(full->statuses.size(), 1u);
  EXPECT_TRUE(full->statuses[0].contains(502));
  EXPECT_FALSE(full->statuses[0].contains(429));
  EXPECT_FALSE(full->on_connect);
  EXPECT_TRUE(full->on_timeout);
  EXPECT_TRUE(full->on_reset);

  EXPECT_EQ(retry_of("{backoff: 500ms}")->cap, 500ms);
  EXPECT_EQ(retry_of("{backoff: 500ms}")->base, 500ms);
  EXPECT_EQ(retry_of("{backoff: {base: 10ms, cap: 3s}}")->cap, 3s);
  EXPECT_FALSE(load("users: [{tasks: [{path: /}]}]\n").users[0].tasks[0].steps[0].retry);
}

TEST_F(ScenarioParserTest, RetryErrorsNameTheProblem) {
  auto error_for = [&](const std::string& retry) {
    return error_of("users:\n  - tasks: [{path: /, retry: " + retry + "}]\n");
  };
  EXPECT_NE(error_for("0").find("retry (attempts in all)"), std::string::npos);
  EXPECT_NE(error_for("{attempts: 101}").find("attempts"), std::string::npos);
  EXPECT_NE(error_for("{backoff: 2s..100ms}").find("cap is below its base"), std::string::npos);
  EXPECT_NE(error_for("{backoff: soon}").find("backoff 'soon'"), std::string::npos);
  EXPECT_NE(error_for("{backoff: 0s}").find("above 0"), std::string::npos);
  EXPECT_NE(error_for("{on: [429, refused]}").find("retry on 'refused'"), std::string::npos);
  EXPECT_NE(error_for("{on: [700]}").find("s.yaml:2"), std::string::npos);
  EXPECT_NE(error_for("{on: []}").find("empty"), std::string::npos);
  EXPECT_NE(error_for("{jitter: half}").find("full or none"), std::string::npos);
  EXPECT_NE(error_for("{atempts: 3}").find("attempts"), std::string::npos);
}

TEST_F(ScenarioParserTest, ModelAnswerSteps) {
  auto step_of = [&](const std::string& keys) {
    return load("users:\n  - tasks: [{path: /q, " + keys + "}]\n").users[0].tasks[0].steps[0];
  };
  const RequestSpec streamed = step_of("stream: true");
  EXPECT_TRUE(streamed.stream);
  ASSERT_FALSE(streamed.headers.empty());
  EXPECT_EQ(streamed.headers.back().value.static_text(), "text/event-stream");  // Accept added
  const RequestSpec whole = step_of("whole_answer: true");
  EXPECT_TRUE(whole.whole_answer);
  EXPECT_TRUE(needs_body(whole));  // its usage is read
  EXPECT_NE(error_of("users:\n  - tasks: [{path: /, stream: true, whole_answer: true}]\n").find("either streamed"),
            std::string::npos);
  EXPECT_NE(error_of("users:\n  - tasks: [{path: /, stream: true, poll: {until: /status, in: [ready]}}]\n").find("cannot also poll"),
            std::string::npos);
}

TEST_F(ScenarioParserTest, QuickScenarioGetsTheUrl) {
  Scenario scenario = quick_scenario("http://127.0.0.1:8080/health?deep=1", WaitSpec{});
  ASSERT_EQ(scenario.users.size(), 1u);
  const RequestSpec& step = scenario.users[0].tasks[0].steps[0];
  EXPECT_TRUE(step.is_static());
  EXPECT_EQ(step.stats_name, "/health?deep=1");
  UserState user;
  Rng rng;
  RenderedRequest request = render(step, user, rng);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/health?deep=1");
  EXPECT_TRUE(request.headers.empty());
  EXPECT_EQ(scenario.host->port, 8080);
  EXPECT_EQ(quick_scenario("https://x/").host->port, 443);
  EXPECT_THROW(quick_scenario("ftp://x/"), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::scenario

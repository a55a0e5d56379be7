#include "load/scenario/checks.h"

#include <gtest/gtest.h>

#include "load/scenario/extraction.h"
#include "load/scenario/poll.h"

namespace ragscale::scenario {
namespace {

using namespace std::chrono_literals;

TEST(Checks, DefaultPassesSuccessAndRedirectsOnly) {
  RequestSpec spec;
  EXPECT_EQ(evaluate(spec, 200, "", 0).kind, CheckOutcome::kOk);
  EXPECT_EQ(evaluate(spec, 302, "", 0).kind, CheckOutcome::kOk);
  CheckOutcome server_error = evaluate(spec, 500, "", 0);
  EXPECT_EQ(server_error.kind, CheckOutcome::kFailed);
  EXPECT_TRUE(server_error.counts_as_failure);
  EXPECT_EQ(server_error.message, "HTTP 500");
  EXPECT_EQ(evaluate(spec, 429, "", 0).message, "HTTP 429");
  EXPECT_EQ(evaluate(spec, 0, "", 0).message, "no response");
  EXPECT_FALSE(needs_body(spec));
}

TEST(Checks, RateLimitedIsClassifiedApart) {
  RequestSpec spec;
  spec.rate_limited = {429};
  CheckOutcome outcome = evaluate(spec, 429, "", 0);
  EXPECT_EQ(outcome.kind, CheckOutcome::kRateLimited);
  EXPECT_FALSE(outcome.counts_as_failure);
  EXPECT_EQ(outcome.message, "rate limited (HTTP 429)");
  spec.rate_limited_is_failure = true;
  EXPECT_TRUE(evaluate(spec, 429, "", 0).counts_as_failure);
}

TEST(Checks, ExplicitStatusesAndClasses) {
  RequestSpec spec;
  spec.check.status = {{200, 200}, {201, 201}, {400, 499}};
  EXPECT_EQ(evaluate(spec, 201, "", 0).kind, CheckOutcome::kOk);
  EXPECT_EQ(evaluate(spec, 404, "", 0).kind, CheckOutcome::kOk);
  EXPECT_EQ(evaluate(spec, 204, "", 0).message, "HTTP 204 (expected 200, 201, 4xx)");
}

TEST(Checks, BodyAndLatencyRulesInOrder) {
  RequestSpec spec;
  spec.check.contains = {"answer"};
  spec.check.json_has = {"/answer"};
  spec.check.json_equals = {{"/status", "ready"}, {"/count", "3"}};
  spec.check.max_latency = 2s;
  EXPECT_TRUE(needs_body(spec));
  std::string good = R"({"answer":"42","status":"ready","count":3})";
  EXPECT_EQ(evaluate(spec, 200, good, 1'000'000).kind, CheckOutcome::kOk);
  EXPECT_EQ(evaluate(spec, 200, "nothing", 0).message, "body does not contain \"answer\"");
  EXPECT_EQ(evaluate(spec, 200, "answer, but not JSON", 0).message, "body is not JSON");
  EXPECT_EQ(evaluate(spec, 200, R"({"x":"answer"})", 0).message, "JSON body has no /answer");
  EXPECT_EQ(evaluate(spec, 200, R"({"answer":1,"status":"failed","count":3})", 0).message,
            "/status is \"failed\", expected \"ready\"");
  EXPECT_EQ(evaluate(spec, 200, good, 2'000'001).message, "slower than 2s");
  EXPECT_EQ(evaluate(spec, 503, good, 0).message, "HTTP 503") << "status is judged before the body";
}

TEST(Checks, ADeeplyNestedAnswerIsNotJsonRatherThanACrash) {
  RequestSpec spec;
  spec.check.json_has = {"/answer"};
  EXPECT_EQ(evaluate(spec, 200, std::string(300000, '['), 0).message, "body is not JSON");
}

TEST(Extraction, SetsVarsFromJsonPointers) {
  RequestSpec spec;
  spec.extract = {{"token", "/access_token"}, {"id", "/doc/id"}, {"tags", "/tags"}, {"gone", "/missing"}};
  UserState user;
  user.vars["gone"] = "kept";
  EXPECT_FALSE(apply_extracts(spec, R"({"access_token":"t-1","doc":{"id":17},"tags":["a"]})", user));
  EXPECT_EQ(user.vars["token"], "t-1");
  EXPECT_EQ(user.vars["id"], "17");
  EXPECT_EQ(user.vars["tags"], "[\"a\"]");
  EXPECT_EQ(user.vars["gone"], "kept");
  EXPECT_FALSE(apply_extracts(spec, "not json", user));
}

TEST(Extraction, NumbersBeyondDoubleRangeDoNotCutTheText) {
  // rapidjson reads 9223372035e300 as -inf (its range check looks at the exponent alone);
  // the extracted text must still be whole, not JSON cut off at that number.
  RequestSpec spec;
  spec.extract = {{"doc", "/doc"}, {"n", "/doc/n"}};
  UserState user;
  EXPECT_TRUE(apply_extracts(spec, R"({"doc":{"n":-9223372035e300,"id":7}})", user));
  EXPECT_EQ(user.vars["doc"], R"({"n":-Infinity,"id":7})");
  EXPECT_EQ(user.vars["n"], "-Infinity");
}

TEST(Poll, RepeatsUntilValueMatchesOrTriesRunOut) {
  RequestSpec spec;
  ResponseBody empty("{}");
  EXPECT_EQ(decide_poll(spec, empty, 1), PollDecision::kDone);
  spec.poll = PollSpec{"/status", {"ready", "failed"}, 500ms, 3};
  ResponseBody pending(R"({"status":"pending"})");
  ResponseBody ready(R"({"status":"ready"})");
  ResponseBody failed(R"({"status":"failed"})");
  ResponseBody garbage("<html>");
  EXPECT_EQ(decide_poll(spec, pending, 1), PollDecision::kRepeat);
  EXPECT_EQ(decide_poll(spec, garbage, 2), PollDecision::kRepeat);
  EXPECT_EQ(decide_poll(spec, pending, 3), PollDecision::kGaveUp);
  EXPECT_EQ(decide_poll(spec, ready, 2), PollDecision::kDone);
  EXPECT_EQ(decide_poll(spec, failed, 3), PollDecision::kDone);
  EXPECT_EQ(poll_gave_up_message(spec), "poll gave up: /status not in [ready, failed] after 3 tries");
  EXPECT_TRUE(needs_body(spec));
}

}  // namespace
}  // namespace ragscale::scenario

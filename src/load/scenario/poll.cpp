#include "load/scenario/poll.h"

namespace ragscale::scenario {

PollDecision decide_poll(const RequestSpec& spec, ResponseBody& body, uint32_t attempts_made) {
  if (!spec.poll) return PollDecision::kDone;
  const PollSpec& poll = *spec.poll;
  if (const rapidjson::Value* value = body.at(poll.pointer)) {
    std::string text = value_text(*value);
    for (const auto& wanted : poll.in) {
      if (text == wanted) return PollDecision::kDone;
    }
  }
  return attempts_made >= poll.max_tries ? PollDecision::kGaveUp : PollDecision::kRepeat;
}

std::string poll_gave_up_message(const RequestSpec& spec) {
  if (!spec.poll) return {};
  std::string wanted;
  for (const auto& value : spec.poll->in) wanted += (wanted.empty() ? "" : ", ") + value;
  return "poll gave up: " + spec.poll->pointer + " not in [" + wanted + "] after " +
         std::to_string(spec.poll->max_tries) + " tries";
}

}  // namespace ragscale::scenario

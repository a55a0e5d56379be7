// Repeating a step until the response says the work is finished (poll: until/in).
//
// Contract: decide_poll is called after each response of a step, with the number of
// attempts made so far (1 after the first). Steps without poll are always kDone.
//   kDone:   the value at poll.pointer is one of poll.in -> judge it with evaluate()
//   kRepeat: not yet -> record this attempt with evaluate_status(), wait poll.interval,
//            send the step again
//   kGaveUp: attempts reached max_tries -> record a failure with poll_gave_up_message()
// A missing value or a non-JSON body counts as "not yet".
#pragma once

#include <cstdint>
#include <string>

#include "load/scenario/request_spec.h"
#include "load/scenario/response_body.h"

namespace ragscale::scenario {

enum class PollDecision { kDone, kRepeat, kGaveUp };

PollDecision decide_poll(const RequestSpec& spec, ResponseBody& body, uint32_t attempts_made);
std::string poll_gave_up_message(const RequestSpec& spec);

}  // namespace ragscale::scenario

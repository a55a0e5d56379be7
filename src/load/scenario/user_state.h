// The per-user state templates read and extraction writes while a scenario runs.
//
// Contract: one UserState per simulated user, touched only by the thread running that
// user. The executor sets user_id once and bumps iteration before each task; counter
// is advanced by counter() in templates; vars holds values extracted from responses
// (vars.NAME). The remaining members are render scratch space: they let rendering
// reuse memory and give pick(src) one row per rendered request.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ragscale::scenario {

struct UserState {
  uint64_t user_id = 0;
  uint64_t iteration = 0;
  uint64_t counter = 0;
  std::unordered_map<std::string, std::string> vars;

  // Render scratch: picked_rows[slot] = {render_epoch, row} for each data source.
  uint64_t render_epoch = 0;
  std::vector<std::pair<uint64_t, uint64_t>> picked_rows;
  std::string scratch;
};

}  // namespace ragscale::scenario

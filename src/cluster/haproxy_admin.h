// HAProxy's runtime API over its admin socket, as the keeper uses it: place a replica in
// a backend slot (address and port), set a slot's state (ready, drain, maint), and read
// each slot's health and current sessions from `show stat`.
#pragma once

#include <map>
#include <string>

namespace ragscale::cluster {

struct SlotStatus {
  std::string status;  // HAProxy's words: UP, DOWN, MAINT, DRAIN, "UP 1/2", …
  int sessions = 0;    // current sessions (requests being served)
};

class HaproxyAdmin {
 public:
  HaproxyAdmin(std::string socket_path, std::string backend);

  bool reachable() const;
  // Each throws std::runtime_error with HAProxy's answer when it refuses the command.
  void place(int slot, int port);
  void set_state(int slot, const std::string& state);  // ready, drain or maint
  std::map<int, SlotStatus> slots() const;             // by slot number

 private:
  std::string command(const std::string& text) const;
  std::string socket_path_;
  std::string backend_;
};

}  // namespace ragscale::cluster

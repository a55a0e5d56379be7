#include "cluster/haproxy_admin.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "cluster/haproxy_config.h"
#include "cluster/probes.h"

namespace ragscale::cluster {

namespace {

std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  return fields;
}

// Commands that succeed answer nothing but a blank line (or a line that says so).
void expect_success(const std::string& command, const std::string& answer) {
  for (char c : answer) {
    if (c != '\n' && c != '\r' && c != ' ') {
      if (answer.find("No such") != std::string::npos || answer.find("Unknown") != std::string::npos ||
          answer.find("Require") != std::string::npos || answer.find("invalid") != std::string::npos ||
          answer.find("error") != std::string::npos) {
        throw std::runtime_error("HAProxy refused '" + command + "': " + answer);
      }
      return;
    }
  }
}

}  // namespace

HaproxyAdmin::HaproxyAdmin(std::string socket_path, std::string backend)
    : socket_path_(std::move(socket_path)), backend_(std::move(backend)) {}

std::string HaproxyAdmin::command(const std::string& text) const { return unix_socket_exchange(socket_path_, text); }

bool HaproxyAdmin::reachable() const {
  try {
    return command("show info").find("Name: HAProxy") != std::string::npos;
  } catch (const std::runtime_error&) {
    return false;
  }
}

void HaproxyAdmin::place(int slot, int port) {
  const std::string text = "set server " + backend_ + "/" + haproxy_server_name(slot) + " addr 127.0.0.1 port " +
                           std::to_string(port);
  expect_success(text, command(text));
}

void HaproxyAdmin::set_state(int slot, const std::string& state) {
  const std::string server = backend_ + "/" + haproxy_server_name(slot);
  const std::string text = "set server " + server + " state " + state;
  expect_success(text, command(text));
  // A slot leaving maintenance is checked at once rather than at the next interval.
  if (state == "ready") expect_success("enable health", command("enable health " + server));
}

std::map<int, SlotStatus> HaproxyAdmin::slots() const {
  std::map<int, SlotStatus> result;
  std::istringstream lines(command("show stat"));
  std::string line;
  int name_at = -1, proxy_at = -1, sessions_at = -1, status_at = -1;
  const std::string prefix = "replica";
  while (std::getline(lines, line)) {
    if (line.rfind("# ", 0) == 0) {
      auto header = split_csv(line.substr(2));
      for (int i = 0; i < static_cast<int>(header.size()); ++i) {
        if (header[i] == "pxname") proxy_at = i;
        if (header[i] == "svname") name_at = i;
        if (header[i] == "scur") sessions_at = i;
        if (header[i] == "status") status_at = i;
      }
      continue;
    }
    auto fields = split_csv(line);
    int needed = std::max({name_at, proxy_at, sessions_at, status_at});
    if (needed < 0 || static_cast<int>(fields.size()) <= needed || fields[proxy_at] != backend_) continue;
    const std::string& name = fields[name_at];
    if (name.rfind(prefix, 0) != 0 || name.size() == prefix.size()) continue;
    SlotStatus status;
    status.status = fields[status_at];
    status.sessions = std::atoi(fields[sessions_at].c_str());
    result[std::atoi(name.c_str() + prefix.size())] = status;
  }
  return result;
}

}  // namespace ragscale::cluster

#include "load/scenario/scenario.h"

namespace ragscale::scenario {

Scenario quick_scenario(const std::string& url, WaitSpec wait) {
  TargetUrl target = parse_target_url(url);
  RequestSpec request;
  request.method = "GET";
  // The URL is taken as written: it is already a valid request target.
  request.target = Template::literal(target.base_path);
  request.stats_name = target.base_path;
  request.location = url;

  Task task;
  task.name = request.stats_name;
  task.steps.push_back(std::move(request));

  UserClass user;
  user.name = "User";
  user.wait = wait;
  user.target = target;
  user.tasks.push_back(std::move(task));
  user.task_picker = WeightedPicker({1});

  Scenario scenario;
  scenario.host = target;
  scenario.users.push_back(std::move(user));
  scenario.user_picker.emplace(std::vector<uint32_t>{1});
  return scenario;
}

}  // namespace ragscale::scenario

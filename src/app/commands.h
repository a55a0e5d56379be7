// Entry points of ragscale's subcommands. Each takes the arguments that follow the
// subcommand name (argv[0] is the subcommand itself) and returns the process exit code.
// Each subcommand owns its flags, its --help text and its error messages.
#pragma once

namespace ragscale {

int run_load_command(int argc, char** argv);   // src/load/load_command.cpp
int run_serve_command(int argc, char** argv);  // src/serve/serve_command.cpp
int run_sim_command(int argc, char** argv);    // src/sim/sim_command.cpp
int run_report_command(int argc, char** argv); // src/report/report_command.cpp
int run_ingest_command(int argc, char** argv); // src/ingest_client/ingest_command.cpp
int run_demo_command(int argc, char** argv);   // src/demo/demo_command.cpp
int run_capacity_command(int argc, char** argv);  // src/capacity/capacity_command.cpp
int run_compare_command(int argc, char** argv);  // src/compare/compare_command.cpp
int run_plan_command(int argc, char** argv);   // src/plan/plan_command.cpp
int run_diagnose_command(int argc, char** argv);  // src/diagnose/diagnose_command.cpp
int run_merge_command(int argc, char** argv);  // src/merge/merge_command.cpp
int run_cluster_command(int argc, char** argv);  // src/cluster/cluster_command.cpp

}  // namespace ragscale

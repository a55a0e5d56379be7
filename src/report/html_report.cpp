#include "report/html_report.h"

#include <sstream>

#include "diagnose/diagnosis.h"
#include "report/html_page.h"
#include "report/target_charts.h"
#include "report/web_assets.h"

namespace ragscale::report {

std::string render_html_report(const output::RunSummary& summary) {
  std::ostringstream json;
  output::write_json_summary(json, summary.info, summary.stats);
  const std::string data = json.str();
  std::ostringstream diagnosis_json;
  diagnose::write_diagnosis_json(diagnosis_json, diagnose::diagnose_run(diagnose::RunEvidence(summary)));
  const std::string diagnosis = diagnosis_json.str();
  std::ostringstream charts_json;
  write_target_charts_json(charts_json, choose_target_charts(summary.info.scraped));
  const std::string charts = charts_json.str();
  return render_html_page({.title = "ragscale load report",
                           .css = "",
                           .body = report_page_body(),
                           .script = report_page_script(),
                           .data_id = "run-summary",
                           .data_json = data,
                           .more_data = {{"diagnosis-data", diagnosis}, {"target-charts-data", charts}}});
}

void write_html_report_file(const std::string& path, const output::RunSummary& summary) {
  write_html_file(path, render_html_report(summary));
}

}  // namespace ragscale::report

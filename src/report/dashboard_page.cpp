#include "report/dashboard_page.h"

#include "report/html_page.h"
#include "report/web_assets.h"

namespace ragscale::report {

std::string render_dashboard_page() {
  return render_html_page({.title = "ragscale load \u2014 live",
                           .css = dashboard_page_css(),
                           .body = dashboard_page_body(),
                           .script = dashboard_page_script(),
                           .data_id = "",
                           .data_json = ""});
}

}  // namespace ragscale::report

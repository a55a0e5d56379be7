// The diagnosis of one run: every rule's finding, ranked by severity, and the run's
// availability (successful requests ÷ requests). No finding is a valid answer: "no
// bottleneck found" with the data the rules looked at.
#pragma once

#include <ostream>
#include <vector>

#include "diagnose/finding.h"
#include "diagnose/run_evidence.h"

namespace ragscale::diagnose {

struct Diagnosis {
  std::vector<Finding> findings;  // most severe first
  double availability = 1;        // of the load's requests
  uint64_t requests = 0;
  bool scraped = false;           // the run recorded target metrics (--scrape)
};

Diagnosis diagnose_run(const RunEvidence& run);

void write_diagnosis_text(std::ostream& out, const Diagnosis& diagnosis);
void write_diagnosis_json(std::ostream& out, const Diagnosis& diagnosis);

}  // namespace ragscale::diagnose

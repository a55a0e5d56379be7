#include "diagnose/finding.h"

#include <cstdio>

namespace ragscale::diagnose {

std::string number(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

}  // namespace ragscale::diagnose

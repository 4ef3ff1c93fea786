#include "sim/scenario/report.hpp"

#include <cstdio>
#include <ostream>

#include "controller/net/json.hpp"
#include "controller/net/xml.hpp"

namespace albc::sim::scenario {
namespace {

using Json = nlohmann::json;
using Duration = net::Clock::duration;

// Seconds with millisecond precision, as a number: 12.5 for 12.500 s.
double seconds(Duration duration) {
  return static_cast<double>(
             std::chrono::duration_cast<std::chrono::milliseconds>(duration).count()) /
         1000.0;
}

std::string seconds_text(Duration duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", seconds(duration));
  return text;
}

const char* outcome_name(StepRecord::Outcome outcome) {
  switch (outcome) {
    case StepRecord::Outcome::Passed:
      return "passed";
    case StepRecord::Outcome::Failed:
      return "failed";
    case StepRecord::Outcome::NotRun:
      return "not run";
  }
  return "not run";
}

std::string invariant_state(const InvariantOutcome& outcome) {
  if (!outcome.violation.empty()) return "broken";
  if (!outcome.off.empty()) return "off";
  if (outcome.checks == 0) return "not checked";
  return "held";
}

struct Latencies {
  Percentiles to_address;
  Percentiles to_healthy;
  std::size_t never_addressed = 0;
  std::size_t never_healthy = 0;
};

Latencies latencies(const std::vector<IngressLatency>& ingresses) {
  std::vector<Duration> address;
  std::vector<Duration> healthy;
  Latencies result;
  for (const IngressLatency& ingress : ingresses) {
    if (ingress.to_address) {
      address.push_back(*ingress.to_address);
    } else {
      ++result.never_addressed;
    }
    if (ingress.to_healthy) {
      healthy.push_back(*ingress.to_healthy);
    } else {
      ++result.never_healthy;
    }
  }
  result.to_address = percentiles(std::move(address));
  result.to_healthy = percentiles(std::move(healthy));
  return result;
}

void write_percentiles(std::ostream& out, const char* label, const Percentiles& values,
                       std::size_t missing, const char* missing_text) {
  out << "   " << label << values.count << " Ingress" << (values.count == 1 ? "" : "es");
  if (values.count > 0) {
    out << ": p50 " << seconds_text(values.p50) << "s  p90 " << seconds_text(values.p90)
        << "s  p99 " << seconds_text(values.p99) << "s  max " << seconds_text(values.max) << "s";
  }
  if (missing > 0) out << " (" << missing << " " << missing_text << ")";
  out << "\n";
}

// XML 1.0 can carry neither most control characters, nor U+FFFE and U+FFFF, nor bytes that are
// not UTF-8, even escaped: a message quoting such input (a bad scenario file) shows '?' in their
// place. Line breaks are kept as character references, which attribute values would otherwise
// turn into spaces.
std::string attribute(std::string_view text) {
  std::string clean(text);
  if (!net::is_valid_utf8(clean)) {
    for (char& c : clean) {
      if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    }
  }
  std::string escaped;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const auto byte = static_cast<unsigned char>(clean[i]);
    if (byte == 0xEF && i + 2 < clean.size() && static_cast<unsigned char>(clean[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(clean[i + 2]) & 0xFE) == 0xBE) {
      escaped += '?';
      i += 2;
    } else if (clean[i] == '\n') {
      escaped += "&#10;";
    } else if (clean[i] == '\r') {
      escaped += "&#13;";
    } else if (clean[i] == '\t') {
      escaped += "&#9;";
    } else if (byte < 0x20) {
      escaped += '?';
    } else {
      escaped += net::xml_escape(std::string_view(&clean[i], 1));
    }
  }
  return escaped;
}

}  // namespace

Json percentiles_json(const Percentiles& values) {
  Json json = {{"count", values.count}};
  if (values.count == 0) return json;
  json["p50"] = seconds(values.p50);
  json["p90"] = seconds(values.p90);
  json["p99"] = seconds(values.p99);
  json["max"] = seconds(values.max);
  return json;
}

std::map<std::string, std::size_t> kube_requests_by_verb(
    const std::map<std::string, std::size_t>& calls) {
  std::map<std::string, std::size_t> verbs;
  for (const auto& [call, count] : calls) {
    // "kube <verb> <resource>"
    const auto first = call.find(' ');
    const auto second = call.find(' ', first + 1);
    if (first == std::string::npos) continue;
    verbs[call.substr(
        first + 1, second == std::string::npos ? std::string::npos : second - first - 1)] += count;
  }
  return verbs;
}

void write_text(const Report& report, std::ostream& out) {
  out << "\n== scenario " << report.scenario << ": " << (report.passed ? "passed" : "FAILED")
      << "\n";
  out << "   steps passed:  " << report.steps_passed << " of " << report.steps.size() << "\n";
  if (!report.passed) out << "   failure:       " << report.failure << "\n";
  out << "   virtual time:  " << net::format_elapsed(report.virtual_time) << "\n";
  out << "   reconciles:    " << report.reconciles << "\n";
  if (report.restarts > 0) out << "   restarts:      " << report.restarts << "\n";
  out << "   kube requests: " << report.kube_requests << "\n";
  out << "   AWS calls:     " << report.aws_calls << " (" << report.aws_mutating
      << " mutating) by operation:\n";
  for (const auto& [operation, counts] : report.aws_by_operation) {
    out << "     " << operation
        << std::string(operation.size() < 40 ? 40 - operation.size() : 1, ' ') << counts.calls;
    if (counts.errors > 0) out << "  (" << counts.errors << " errors)";
    out << "\n";
  }
  if (!report.ingresses.empty()) {
    const Latencies measured = latencies(report.ingresses);
    write_percentiles(out, "time to address: ", measured.to_address, measured.never_addressed,
                      "never addressed");
    write_percentiles(out, "time to healthy: ", measured.to_healthy, measured.never_healthy,
                      "not seen healthy");
  }
  for (const FaultRecord& fault : report.faults) {
    if (fault.kind == "churn") {
      out << "   churn:         " << fault.what << " from " << net::format_elapsed(fault.at)
          << " (step " << fault.step << ")\n";
      continue;
    }
    out << "   fault:         " << fault.kind << " " << fault.what << " from "
        << net::format_elapsed(fault.at)
        << (fault.step == 0 ? std::string(" (faults section)")
                            : " (step " + std::to_string(fault.step) + ")")
        << "\n";
  }
  out << "   invariants:\n";
  for (const InvariantOutcome& outcome : report.invariants) {
    out << "     " << outcome.name
        << std::string(outcome.name.size() < 40 ? 40 - outcome.name.size() : 1, ' ');
    const std::string state = invariant_state(outcome);
    if (state == "off") {
      out << "off: " << outcome.off;
    } else if (state == "broken") {
      out << "BROKEN: " << outcome.violation;
    } else if (state == "not checked") {
      out << "not checked" << (outcome.not_checked.empty() ? "" : ": " + outcome.not_checked);
    } else {
      out << "held (" << outcome.checks << " check" << (outcome.checks == 1 ? "" : "s") << ")";
      if (!outcome.not_checked.empty()) out << "; not at the end: " << outcome.not_checked;
    }
    out << "\n";
  }
}

Json report_json(const Report& report) {
  Json steps = Json::array();
  for (const StepRecord& step : report.steps) {
    Json entry = {{"index", step.index},
                  {"action", step.action},
                  {"outcome", outcome_name(step.outcome)},
                  {"started", seconds(step.started)},
                  {"finished", seconds(step.finished)}};
    if (!step.detail.empty()) entry["detail"] = step.detail;
    if (!step.description.empty()) entry["description"] = step.description;
    if (!step.failure.empty()) entry["failure"] = step.failure;
    steps.push_back(entry);
  }
  Json invariants = Json::array();
  for (const InvariantOutcome& outcome : report.invariants) {
    Json entry = {
        {"name", outcome.name}, {"state", invariant_state(outcome)}, {"checks", outcome.checks}};
    if (!outcome.off.empty()) entry["off"] = outcome.off;
    if (!outcome.violation.empty()) entry["violation"] = outcome.violation;
    if (!outcome.not_checked.empty()) entry["not_checked"] = outcome.not_checked;
    invariants.push_back(entry);
  }
  Json faults = Json::array();
  for (const FaultRecord& fault : report.faults) {
    faults.push_back({{"kind", fault.kind},
                      {"what", fault.what},
                      {"step", fault.step},
                      {"at", seconds(fault.at)}});
  }
  Json aws_operations = Json::object();
  for (const auto& [operation, counts] : report.aws_by_operation)
    aws_operations[operation] = {{"calls", counts.calls}, {"errors", counts.errors}};
  Json reconciles = Json::object();
  for (const auto& [key, stats] : report.reconciles_by_key) {
    reconciles[key] = {{"count", stats.count},
                       {"errors", stats.errors},
                       {"total", seconds(stats.total)},
                       {"longest", seconds(stats.longest)}};
  }
  Json ingresses = Json::array();
  for (const IngressLatency& ingress : report.ingresses) {
    Json entry = {{"ingress", ingress.ingress}};
    entry["to_address"] = ingress.to_address ? Json(seconds(*ingress.to_address)) : Json();
    entry["to_healthy"] = ingress.to_healthy ? Json(seconds(*ingress.to_healthy)) : Json();
    ingresses.push_back(entry);
  }
  const Latencies measured = latencies(report.ingresses);
  return {
      {"scenario", report.scenario},
      {"path", report.path},
      {"seed", report.seed},
      {"passed", report.passed},
      {"failure", report.passed ? Json() : Json(report.failure)},
      {"steps", steps},
      {"invariants", invariants},
      {"faults", faults},
      {"measurements",
       {{"virtual_time", seconds(report.virtual_time)},
        {"reconciles", {{"total", report.reconciles}, {"by_key", reconciles}}},
        {"restarts", report.restarts},
        {"time_to_address", percentiles_json(measured.to_address)},
        {"time_to_healthy", percentiles_json(measured.to_healthy)},
        {"ingresses", ingresses}}},
      {"calls",
       {{"aws",
         {{"total", report.aws_calls},
          {"mutating", report.aws_mutating},
          {"by_operation", aws_operations}}},
        {"kubernetes",
         {{"total", report.kube_requests},
          {"by_verb", kube_requests_by_verb(report.kube_calls)},
          {"by_call", report.kube_calls}}}}},
      {"crash_sites", report.crash_sites},
      {"wall_seconds", report.wall_seconds},
  };
}

std::string junit_xml(const Report& report) {
  std::size_t failures = 0;
  std::size_t skipped = 0;
  std::string cases;
  for (const StepRecord& step : report.steps) {
    std::string name = "step " + std::to_string(step.index) + " (" + step.action + ")";
    if (!step.detail.empty()) name += " " + step.detail;
    if (!step.description.empty()) name += ": " + step.description;
    cases += "    <testcase classname=\"" + attribute(report.scenario) + ".steps\" name=\"" +
             attribute(name) + "\" time=\"" + seconds_text(step.finished - step.started) + "\"";
    if (step.outcome == StepRecord::Outcome::Passed) {
      cases += "/>\n";
      continue;
    }
    cases += ">\n";
    if (step.outcome == StepRecord::Outcome::Failed) {
      ++failures;
      cases += "      <failure message=\"" + attribute(step.failure) + "\" type=\"StepFailed\">" +
               attribute(step.failure) + "</failure>\n";
    } else {
      ++skipped;
      cases += "      <skipped message=\"an earlier step failed\"/>\n";
    }
    cases += "    </testcase>\n";
  }
  for (const InvariantOutcome& outcome : report.invariants) {
    cases += "    <testcase classname=\"" + attribute(report.scenario) + ".invariants\" name=\"" +
             attribute(outcome.name) + "\" time=\"0.000\"";
    const std::string state = invariant_state(outcome);
    if (state == "held") {
      cases += "/>\n";
      continue;
    }
    cases += ">\n";
    if (state == "broken") {
      ++failures;
      cases += "      <failure message=\"" + attribute(outcome.violation) +
               "\" type=\"InvariantBroken\">" + attribute(outcome.violation) + "</failure>\n";
    } else {
      ++skipped;
      const std::string why = state == "off"                ? "off: " + outcome.off
                              : outcome.not_checked.empty() ? std::string("not checked")
                                                            : outcome.not_checked;
      cases += "      <skipped message=\"" + attribute(why) + "\"/>\n";
    }
    cases += "    </testcase>\n";
  }
  const std::size_t tests = report.steps.size() + report.invariants.size();
  const std::string counts = " tests=\"" + std::to_string(tests) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
                             std::to_string(skipped) + "\" time=\"" +
                             seconds_text(report.virtual_time) + "\"";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"albc\"" + counts +
         ">\n  <testsuite name=\"" + attribute(report.scenario) + "\"" + counts + ">\n" +
         "    <properties>\n      <property name=\"seed\" value=\"" + std::to_string(report.seed) +
         "\"/>\n      <property name=\"path\" value=\"" + attribute(report.path) +
         "\"/>\n    </properties>\n" + cases + "  </testsuite>\n</testsuites>\n";
}

}  // namespace albc::sim::scenario

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

// The style that the compiler does not check (STYLE.md): banned calls, where Beast may appear,
// which folder may include which, file length.

namespace {

namespace fs = std::filesystem;
const fs::path kRoot = ALBC_SOURCE_DIR;

struct Source {
  std::string path;  // relative, e.g. "controller/net/clock.cpp"
  std::string text;
};

std::vector<Source> sources(const std::vector<std::string>& folders) {
  std::vector<Source> found;
  for (const std::string& folder : folders) {
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
      const std::string extension = entry.path().extension().string();
      if (extension != ".cpp" && extension != ".hpp") continue;
      std::ifstream file(entry.path());
      std::ostringstream text;
      text << file.rdbuf();
      found.push_back({fs::relative(entry.path(), kRoot).string(), text.str()});
    }
  }
  REQUIRE(!found.empty());  // a wrong root must not make every rule pass
  std::sort(found.begin(), found.end(),
            [](const Source& a, const Source& b) { return a.path < b.path; });
  return found;
}

// The code without comments and string literals, so that a word in a comment does not count.
std::string code_of(const std::string& text) {
  std::string code;
  enum { Code, Line, Block, String } state = Code;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (state == Code) {
      if (c == '/' && next == '/')
        state = Line;
      else if (c == '/' && next == '*')
        state = Block;
      else if (c == '"' && (i == 0 || text[i - 1] != '\''))
        state = String;
      else
        code += c;
    } else if (state == Line && c == '\n') {
      state = Code;
      code += c;
    } else if (state == Block && c == '*' && next == '/') {
      state = Code;
      ++i;
    } else if (state == String && c == '\\') {
      ++i;
    } else if (state == String && c == '"') {
      state = Code;
    }
  }
  return code;
}

bool allowed(const std::string& path, const std::vector<std::string>& exceptions) {
  return std::find(exceptions.begin(), exceptions.end(), path) != exceptions.end();
}

}  // namespace

TEST_CASE("tidy: banned calls stay out of the controller and the simulation", "[tidy]") {
  struct Ban {
    std::regex pattern;
    std::string what;
    std::vector<std::string> exceptions;
  };
  const std::vector<std::string> time_files = {
      "controller/net/real_clock.cpp", "controller/net/network_transport.cpp",
      "tools/albc/run_command.cpp", "tools/albc/sweep_command.cpp"};
  const std::vector<Ban> bans = {
      {std::regex(R"(\brandom_device\b)"), "std::random_device (use net::Random)", {}},
      {std::regex(R"(\bs?rand\s*\()"), "rand() (use net::Random)", {}},
      {std::regex(R"(_distribution\s*<)"), "std::*_distribution (differs between libraries)", {}},
      {std::regex(R"(steady_clock::now|system_clock::now)"),
       "reading the machine's clock (use net::Clock)", time_files},
      {std::regex(R"(\bsteady_timer\b)"),
       "Asio timers (use net::Clock)",
       {"controller/net/real_clock.cpp", "controller/net/parking.cpp",
        "controller/net/network_transport.cpp", "sim/http/server.cpp"}},
      {std::regex(R"(this_thread::sleep_for)"), "sleeping (use net::Clock)", {}},
      {std::regex(R"(std::(thread|mutex|atomic)\b)"),
       "threads and locks (one io_context, one thread)",
       {}},
      {std::regex(R"(asio::detached)"), "asio::detached (drops exceptions; use spawn_checked)", {}},
      {std::regex(R"([=(,]\s*new\s+[A-Za-z_])"), "raw new (use values or make_unique)", {}},
      {std::regex(R"(std::(regex|regex_match|regex_search)\b)"),
       "std::regex (backtracking and recursive: use net::Regex, RE2)",
       {}},
      {std::regex(R"((J|j)son::parse\s*\()"),
       "nlohmann's parse (use net::parse_json: depth and size limits, no exceptions)",
       {"controller/net/json.cpp"}},
      {std::regex(R"(std::sto(i|l|ll|ul|ull|f|d)\s*\()"),
       "std::sto* (throws, and accepts \"12abc\": use net::parse_integer)",
       {}},
      {std::regex(R"(\bdelete\s+[A-Za-z_(])"), "raw delete", {}},
  };
  std::vector<std::string> violations;
  for (const Source& source : sources({"controller", "sim", "tools"})) {
    const std::string code = code_of(source.text);
    for (const Ban& ban : bans) {
      if (allowed(source.path, ban.exceptions)) continue;
      if (std::regex_search(code, ban.pattern)) violations.push_back(source.path + ": " + ban.what);
    }
  }
  CAPTURE(violations);
  CHECK(violations.empty());
}

TEST_CASE("tidy: Beast stays in the files that use it, never in a header", "[tidy]") {
  const std::vector<std::string> beast_files = {"controller/net/network_transport.cpp",
                                                "sim/http/server.cpp",
                                                "controller/net/asio_beast_src.cpp"};
  std::vector<std::string> violations;
  for (const Source& source : sources({"controller", "sim", "tools"})) {
    if (source.text.find("boost/beast") == std::string::npos) continue;
    if (!allowed(source.path, beast_files)) violations.push_back(source.path);
  }
  CAPTURE(violations);
  CHECK(violations.empty());
}

TEST_CASE("tidy: dependencies point one way", "[tidy]") {
  const std::regex include(R"(#include\s+"([^"]+)\")");
  std::vector<std::string> violations;
  for (const Source& source : sources({"controller", "sim"})) {
    const bool controller = source.path.starts_with("controller/");
    const bool fake = source.path.starts_with("sim/kube/") || source.path.starts_with("sim/aws/") ||
                      source.path.starts_with("sim/http/") || source.path.starts_with("sim/world/");
    for (auto it = std::sregex_iterator(source.text.begin(), source.text.end(), include);
         it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1];
      if (controller && target.starts_with("sim/"))
        violations.push_back(source.path + " includes " + target);
      if (fake && target.starts_with("controller/") && !target.starts_with("controller/net/")) {
        violations.push_back(source.path + " includes " + target +
                             " (the fakes use only controller/net/)");
      }
    }
  }
  CAPTURE(violations);
  CHECK(violations.empty());
}

TEST_CASE("tidy: files stay short enough to hold one responsibility", "[tidy]") {
  std::vector<std::string> long_files;
  for (const Source& source : sources({"controller", "sim", "tools", "bench"})) {
    const auto lines = std::count(source.text.begin(), source.text.end(), '\n');
    if (lines > 650) long_files.push_back(source.path + " (" + std::to_string(lines) + " lines)");
  }
  CAPTURE(long_files);
  CHECK(long_files.empty());
}

#include "controller/net/url.hpp"

namespace albc::net {

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved) {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      decoded += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return fail("MalformedQueryString",
                    "truncated percent-encoding in \"" + std::string(text) + "\"");
      }
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) {
        return fail("MalformedQueryString",
                    "invalid percent-encoding in \"" + std::string(text) + "\"");
      }
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      decoded += c;
    }
  }
  return decoded;
}

Result<QueryForm> QueryForm::parse(std::string_view encoded) {
  QueryForm form;
  while (!encoded.empty()) {
    const auto amp = encoded.find('&');
    const std::string_view pair = encoded.substr(0, amp);
    encoded = amp == std::string_view::npos ? std::string_view() : encoded.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    if (!name) return fail(std::move(name).error());
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value) return fail(std::move(value).error());
    form.add(std::move(*name), std::move(*value));
  }
  return form;
}

void QueryForm::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> QueryForm::get(std::string_view name) const {
  for (const auto& [key, value] : entries_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string QueryForm::value_or(std::string_view name, std::string_view fallback) const {
  return std::string(get(name).value_or(fallback));
}

std::string QueryForm::encode() const {
  std::string encoded;
  for (const auto& [key, value] : entries_) {
    if (!encoded.empty()) encoded += '&';
    encoded += percent_encode(key);
    encoded += '=';
    encoded += percent_encode(value);
  }
  return encoded;
}

std::optional<bool> parse_go_bool(std::string_view text) {
  if (text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "true" ||
      text == "True") {
    return true;
  }
  if (text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "false" ||
      text == "False") {
    return false;
  }
  return std::nullopt;
}

}  // namespace albc::net

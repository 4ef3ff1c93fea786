#include "controller/net/http.hpp"

#include <algorithm>
#include <cctype>

namespace albc::net {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const Header& field : fields_) {
    if (iequals(field.name, name)) return std::string_view(field.value);
  }
  return std::nullopt;
}

std::string Headers::value_or(std::string_view name, std::string_view fallback) const {
  return std::string(get(name).value_or(fallback));
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) {
  fields_.push_back(Header{std::move(name), std::move(value)});
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Header& field) { return iequals(field.name, name); });
}

std::string_view Request::path() const {
  const std::string_view view(target);
  return view.substr(0, view.find('?'));
}

std::string_view Request::query() const {
  const std::string_view view(target);
  const auto mark = view.find('?');
  return mark == std::string_view::npos ? std::string_view() : view.substr(mark + 1);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Unknown";
  }
}

}  // namespace albc::net

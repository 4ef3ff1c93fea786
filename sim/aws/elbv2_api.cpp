#include <algorithm>
#include <ctime>

#include "controller/net/digest.hpp"
#include "controller/net/numbers.hpp"
#include "controller/net/regex.hpp"
#include "sim/aws/elbv2_api.hpp"

namespace albc::sim::aws {

Elbv2Api::Elbv2Api(AwsState& state, net::Clock& clock, net::Random random, Elbv2Options options)
    : state_(state), clock_(clock), random_(std::move(random)), options_(options) {}

const std::map<std::string_view, Elbv2Api::Route>& Elbv2Api::routes() {
  static const std::map<std::string_view, Route> kRoutes = {
      {"CreateLoadBalancer", &Elbv2Api::create_load_balancer},
      {"DescribeLoadBalancers", &Elbv2Api::describe_load_balancers},
      {"DeleteLoadBalancer", &Elbv2Api::delete_load_balancer},
      {"DescribeLoadBalancerAttributes", &Elbv2Api::describe_load_balancer_attributes},
      {"ModifyLoadBalancerAttributes", &Elbv2Api::modify_load_balancer_attributes},
      {"SetSecurityGroups", &Elbv2Api::set_security_groups},
      {"SetSubnets", &Elbv2Api::set_subnets},
      {"SetIpAddressType", &Elbv2Api::set_ip_address_type},
      {"CreateListener", &Elbv2Api::create_listener},
      {"DescribeListeners", &Elbv2Api::describe_listeners},
      {"ModifyListener", &Elbv2Api::modify_listener},
      {"DeleteListener", &Elbv2Api::delete_listener},
      {"DescribeListenerAttributes", &Elbv2Api::describe_listener_attributes},
      {"ModifyListenerAttributes", &Elbv2Api::modify_listener_attributes},
      {"DescribeListenerCertificates", &Elbv2Api::describe_listener_certificates},
      {"AddListenerCertificates", &Elbv2Api::add_listener_certificates},
      {"RemoveListenerCertificates", &Elbv2Api::remove_listener_certificates},
      {"CreateRule", &Elbv2Api::create_rule},
      {"DescribeRules", &Elbv2Api::describe_rules},
      {"ModifyRule", &Elbv2Api::modify_rule},
      {"DeleteRule", &Elbv2Api::delete_rule},
      {"SetRulePriorities", &Elbv2Api::set_rule_priorities},
      {"CreateTargetGroup", &Elbv2Api::create_target_group},
      {"DescribeTargetGroups", &Elbv2Api::describe_target_groups},
      {"ModifyTargetGroup", &Elbv2Api::modify_target_group},
      {"DeleteTargetGroup", &Elbv2Api::delete_target_group},
      {"DescribeTargetGroupAttributes", &Elbv2Api::describe_target_group_attributes},
      {"ModifyTargetGroupAttributes", &Elbv2Api::modify_target_group_attributes},
      {"RegisterTargets", &Elbv2Api::register_targets},
      {"DeregisterTargets", &Elbv2Api::deregister_targets},
      {"DescribeTargetHealth", &Elbv2Api::describe_target_health},
      {"DescribeTags", &Elbv2Api::describe_tags},
      {"AddTags", &Elbv2Api::add_tags},
      {"RemoveTags", &Elbv2Api::remove_tags},
  };
  return kRoutes;
}

bool Elbv2Api::knows(std::string_view action) const {
  return routes().contains(action);
}

Outcome Elbv2Api::handle(std::string_view action, const Params& params) {
  purge_drained_targets();
  const auto route = routes().find(action);
  if (route == routes().end()) {
    return net::fail(
        AwsError{400, "InvalidAction",
                 "Could not find operation " + std::string(action) + " for version 2015-12-01"});
  }
  // A Describe* that names a resource still in its eventual-consistency window (by its ARN, or
  // its parent's) does not find it, whatever it asks of it.
  if (action.starts_with("Describe")) {
    if (auto hidden = first_hidden_arn(params.tree()))
      return net::fail(resource_not_found(*hidden));
  }
  return (this->*route->second)(params);
}

std::optional<std::string> Elbv2Api::first_hidden_arn(const Json& tree) const {
  if (hidden_until_.empty()) return std::nullopt;
  if (tree.is_string()) {
    const std::string& text = tree.get_ref<const std::string&>();
    if (!visible(text)) return text;
    return std::nullopt;
  }
  if (tree.is_object() || tree.is_array()) {
    for (const Json& member : tree) {
      if (auto hidden = first_hidden_arn(member)) return hidden;
    }
  }
  return std::nullopt;
}

std::string Elbv2Api::arn_prefix() const {
  return "arn:aws:elasticloadbalancing:" + state_.region + ":" + state_.account_id + ":";
}

std::string aws_timestamp(net::Clock::wall_time_point time) {
  const std::string seconds = net::format_rfc3339(time);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                          time - std::chrono::floor<std::chrono::seconds>(time))
                          .count();
  std::string fraction = std::to_string(1000 + millis);  // "1007": always four digits
  fraction[0] = '.';
  return seconds.substr(0, seconds.size() - 1) + fraction + "Z";
}

Json elbv2_tags(const Tags& tags) {
  Json list = Json::array();
  for (const auto& [key, value] : tags)
    list.push_back({{"Key", key}, {"Value", value}});
  return list;
}

namespace {

// The botocore model's TagKey and TagValue pattern; RE2 reads \p{L}, \p{Z} and \p{N} as AWS does.
constexpr std::string_view kTagPattern = R"(^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$)";

std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// One member's constraint failures, in the words of AWS's validation messages.
void check_tag_member(const std::string& value, const std::string& where, std::size_t length_min,
                      std::size_t length_max, std::vector<std::string>& failures) {
  static const net::Regex kPattern = *net::Regex::compile(kTagPattern);
  const std::string prefix =
      "Value '" + value + "' at '" + where + "' failed to satisfy constraint: ";
  const std::size_t length = characters(value);
  if (length < length_min) {
    failures.push_back(prefix + "Member must have length greater than or equal to " +
                       std::to_string(length_min));
  }
  if (length > length_max) {
    failures.push_back(prefix + "Member must have length less than or equal to " +
                       std::to_string(length_max));
  }
  if (!kPattern.full_match(value)) {
    failures.push_back(
        prefix + "Member must satisfy regular expression pattern: " + std::string(kTagPattern));
  }
}

}  // namespace

AwsError validation_errors(const std::vector<std::string>& failures) {
  std::string joined;
  for (const std::string& failure : failures)
    joined += (joined.empty() ? "" : "; ") + failure;
  const std::string count = std::to_string(failures.size()) +
                            (failures.size() == 1 ? " validation error" : " validation errors");
  return validation_error(count + " detected: " + joined);
}

net::Result<Tags, AwsError> parse_tags(const Json& list, std::size_t tags_max) {
  // The model's constraints first, every one of them; then the service's own checks.
  std::vector<std::string> failures;
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "tags." + std::to_string(i + 1) + ".member.";
    const auto key = list[i].is_object() ? list[i].find("Key") : list[i].end();
    if (key == list[i].end() || !key->is_string()) {
      failures.push_back("Value null at '" + where +
                         "key' failed to satisfy constraint: Member must not be null");
      continue;
    }
    entries.emplace_back(text_of(list[i], "Key"), text_of(list[i], "Value"));
    check_tag_member(entries.back().first, where + "key", 1, 128, failures);
    check_tag_member(entries.back().second, where + "value", 0, 256, failures);
  }
  if (!failures.empty()) return net::fail(validation_errors(failures));
  Tags tags;
  for (const auto& [key, value] : entries) {
    if (key.starts_with("aws:")) {
      return net::fail(validation_error("Tag key '" + key + "' cannot start with 'aws:'"));
    }
    if (!tags.emplace(key, value).second) {
      return net::fail(AwsError{400, "DuplicateTagKeys",
                                "A tag key was specified more than once: '" + key + "'"});
    }
  }
  if (tags.size() > tags_max) {
    return net::fail(AwsError{400, "TooManyTags",
                              "You've reached the limit on the number of tags for this resource"});
  }
  return tags;
}

namespace {

std::string marker_seal(const std::string& list_name, const std::string& key) {
  return net::sha256_hex(list_name + '\0' + key).substr(0, 16);
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    auto digit = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int high = digit(hex[i]);
    const int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return bytes;
}

}  // namespace

net::Result<Pager, AwsError> Pager::start(const Params& params, std::size_t page_size_max,
                                          std::string list_name, std::string scope) {
  std::string seal_scope = list_name + '\0' + scope;
  auto page_size = params.integer("PageSize", 1, static_cast<int>(page_size_max));
  if (!page_size) return net::fail(page_size.error());
  std::string after;
  if (auto marker = params.optional("Marker")) {
    const auto bar = marker->rfind('-');
    std::optional<std::string> key;
    if (bar != std::string::npos && bar > 0)
      key = from_hex(std::string_view(*marker).substr(0, bar));
    if (!key || marker->substr(bar + 1) != marker_seal(seal_scope, *key))
      return net::fail(validation_error("Invalid marker '" + *marker + "'"));
    after = std::move(*key);
  }
  const std::size_t size = page_size->value_or(static_cast<int>(page_size_max));
  return Pager(std::move(list_name), std::move(seal_scope), std::move(after), size);
}

bool Pager::room(const std::string& key) {
  if (items_.size() >= size_) {
    more_ = true;
    return false;
  }
  last_key_ = key;
  return true;
}

Json Pager::finish() && {
  Json result = {{list_name_, std::move(items_)}};
  if (more_)
    result["NextMarker"] = net::to_hex(last_key_) + "-" + marker_seal(seal_scope_, last_key_);
  return result;
}

std::string numeric_key(std::size_t number) {
  std::string digits = std::to_string(number);
  return std::string(20 - std::min<std::size_t>(digits.size(), 20), '0') + digits;
}

net::Result<Json, AwsError> page_of(const Json& items, const Params& params,
                                    std::size_t page_size_max, const std::string& list_name) {
  auto pager = Pager::start(params, page_size_max, list_name);
  if (!pager) return net::fail(pager.error());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!pager->offer(numeric_key(i), [&] { return items[i]; })) break;
  }
  return std::move(*pager).finish();
}

Tags* Elbv2Api::tags_of(const std::string& arn) {
  if (auto* lb = state_.find_load_balancer(arn)) return &lb->tags;
  if (auto* tg = state_.find_target_group(arn)) return &tg->tags;
  if (auto* listener = state_.find_listener(arn)) return &listener->tags;
  if (auto* rule = state_.find_rule(arn)) return &rule->tags;
  return nullptr;
}

AwsError Elbv2Api::resource_not_found(const std::string& arn) const {
  if (arn.find(":targetgroup/") != std::string::npos) {
    return AwsError{400, "TargetGroupNotFound", "Target groups '" + arn + "' not found"};
  }
  if (arn.find(":listener-rule/") != std::string::npos) {
    return AwsError{400, "RuleNotFound", "One or more rules not found"};
  }
  if (arn.find(":listener/") != std::string::npos) {
    return AwsError{400, "ListenerNotFound", "One or more listeners not found"};
  }
  if (arn.find(":loadbalancer/") != std::string::npos) {
    return AwsError{400, "LoadBalancerNotFound", "Load balancers '[" + arn + "]' not found"};
  }
  return validation_error("'" + arn + "' is not a valid Amazon Resource Name");
}

Outcome Elbv2Api::describe_tags(const Params& params) {
  const auto arns = params.strings("ResourceArns");
  if (arns.empty())
    return net::fail(
        validation_error("1 validation error detected: Value null at 'resourceArns' failed to "
                         "satisfy constraint: Member must not be null"));
  if (arns.size() > options_.quotas.describe_tags_arns_max) {
    return net::fail(
        validation_error("1 validation error detected: Value '[...]' at 'resourceArns' failed to "
                         "satisfy constraint: Member must have length less than or equal to 20"));
  }
  Json descriptions = Json::array();
  for (const std::string& arn : arns) {
    Tags* tags = tags_of(arn);
    if (tags == nullptr) return net::fail(resource_not_found(arn));
    // In a tag change's eventual-consistency window, the tags as they were.
    const auto stale = stale_tags_.find(arn);
    const Tags& shown = stale != stale_tags_.end() ? stale->second : *tags;
    descriptions.push_back({{"ResourceArn", arn}, {"Tags", elbv2_tags(shown)}});
  }
  return Json{{"TagDescriptions", descriptions}};
}

Outcome Elbv2Api::add_tags(const Params& params) {
  if (auto missing = params.required_list("ResourceArns"); !missing)
    return net::fail(missing.error());
  if (auto missing = params.required_list("Tags"); !missing) return net::fail(missing.error());
  const auto arns = params.strings("ResourceArns");
  auto added = parse_tags(params.list("Tags"), options_.quotas.tags_per_resource_max);
  if (!added) return net::fail(added.error());
  for (const std::string& arn : arns) {
    Tags* tags = tags_of(arn);
    if (tags == nullptr) return net::fail(resource_not_found(arn));
    Tags merged = *tags;
    for (const auto& [key, value] : *added)
      merged[key] = value;
    if (merged.size() > options_.quotas.tags_per_resource_max) {
      return net::fail(AwsError{
          400, "TooManyTags", "You've reached the limit on the number of tags for this resource"});
    }
  }
  for (const std::string& arn : arns) {
    tags_changing("AddTags", arn);
    for (const auto& [key, value] : *added)
      (*tags_of(arn))[key] = value;
  }
  return Json::object();
}

Outcome Elbv2Api::remove_tags(const Params& params) {
  if (auto missing = params.required_list("ResourceArns"); !missing)
    return net::fail(missing.error());
  if (auto missing = params.required_list("TagKeys"); !missing) return net::fail(missing.error());
  const auto arns = params.strings("ResourceArns");
  for (const std::string& arn : arns) {
    if (tags_of(arn) == nullptr) return net::fail(resource_not_found(arn));
  }
  for (const std::string& arn : arns) {
    tags_changing("RemoveTags", arn);
    for (const std::string& key : params.strings("TagKeys"))
      tags_of(arn)->erase(key);
  }
  return Json::object();
}

}  // namespace albc::sim::aws

namespace albc::sim::aws {

void Elbv2Api::created(std::string_view action, const std::string& arn) {
  if (!visibility_) return;
  const auto window = visibility_(action);
  if (!window) return;
  hidden_until_[arn] = clock_.now() + *window;
  close_later(*window, [this, arn] { hidden_until_.erase(arn); });
}

void Elbv2Api::tags_changing(std::string_view action, const std::string& arn) {
  // A change inside an open window keeps showing the tags from before the first one.
  if (!visibility_ || stale_tags_.contains(arn)) return;
  const auto window = visibility_(action);
  if (!window) return;
  stale_tags_[arn] = *tags_of(arn);
  close_later(*window, [this, arn] { stale_tags_.erase(arn); });
}

void Elbv2Api::close_later(net::Clock::duration window, std::function<void()> close) {
  // The window closes on the clock, so that a world waiting to be quiet waits for it.
  const auto timer = std::make_shared<net::Clock::TimerId>(0);
  *timer = clock_.call_after(window, [this, timer, close = std::move(close)] {
    visibility_timers_.erase(*timer);
    close();
  });
  visibility_timers_.insert(*timer);
}

Elbv2Api::~Elbv2Api() {
  for (const net::Clock::TimerId timer : visibility_timers_)
    clock_.cancel(timer);
}

bool Elbv2Api::visible(const std::string& arn) const {
  const auto hidden = hidden_until_.find(arn);
  return hidden == hidden_until_.end() || clock_.now() >= hidden->second;
}

}  // namespace albc::sim::aws

// Ingress annotation values as the model builder reads them. The input is lines of
// `name=value` (the name without the alb.ingress.kubernetes.io/ prefix) set on an Ingress of the
// seed's shape, whose group is then loaded and built.
#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include "controller/ingress/ingress_indexes.hpp"

#include "controller/ingress/group.hpp"
#include "controller/ingress/model_builder.hpp"
#include "tests/support/fixed_resolver.hpp"

namespace {

using albc::ingress::Json;

Json ingress_with(const std::string& input) {
  Json annotations = Json::object();
  std::size_t start = 0;
  while (start < input.size()) {
    const auto end = input.find('\n', start);
    const std::string line = input.substr(start, end == std::string::npos ? end : end - start);
    const auto eq = line.find('=');
    if (eq != std::string::npos) {
      annotations["alb.ingress.kubernetes.io/" + line.substr(0, eq)] = line.substr(eq + 1);
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  annotations["alb.ingress.kubernetes.io/group.name"] = "g";
  const Json backend = {{"service", {{"name", "web"}, {"port", {{"number", 80}}}}}};
  const Json by_annotation = {
      {"service", {{"name", "act"}, {"port", {{"name", "use-annotation"}}}}}};
  return {{"metadata",
           {{"namespace", "test"}, {"name", "web"}, {"uid", "u"}, {"annotations", annotations}}},
          {"spec",
           {{"ingressClassName", "alb"},
            {"rules",
             Json::array(
                 {{{"http",
                    {{"paths",
                      Json::array({{{"path", "/"}, {"pathType", "Prefix"}, {"backend", backend}},
                                   {{"path", "/a"},
                                    {"pathType", "Exact"},
                                    {"backend", by_annotation}}})}}}}})}}}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace albc;
  const std::string input(reinterpret_cast<const char*>(data), size);
  k8s::ObjectCache ingresses;
  k8s::ObjectCache classes;
  k8s::ObjectCache params;
  k8s::ObjectCache services;
  ingresses.put(ingress_with(input));
  classes.put({{"metadata", {{"name", "alb"}}}, {"spec", {{"controller", "ingress.k8s.aws/alb"}}}});
  services.put(
      {{"metadata", {{"namespace", "test"}, {"name", "web"}, {"uid", "s"}}},
       {"spec",
        {{"type", "NodePort"},
         {"ports",
          Json::array(
              {{{"name", "http"}, {"port", 80}, {"targetPort", 8080}, {"nodePort", 31000}}})}}}});
  ingress::add_ingress_indexes(ingresses);
  ingress::GroupLoader loader(ingresses, classes, params, ingress::LoaderOptions{});
  auto group = loader.load(ingress::GroupId{"", "g"});
  if (!group) return 0;
  ingress::BuilderOptions options;
  options.cluster_name = "fuzz";
  options.vpc_id = "vpc-1";
  test_support::FixedResolver resolver;
  ingress::ModelBuilder builder(services, resolver, options);
  asio::io_context io;
  auto built = test_support::run_build(io, builder, std::move(*group));
  if (built) (void)built->stack.to_json();
  return 0;
}

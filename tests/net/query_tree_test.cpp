#include <catch2/catch.hpp>

#include "controller/net/query_tree.hpp"
#include "controller/net/xml.hpp"

using namespace albc::net;
using Json = nlohmann::json;

TEST_CASE("query_tree: ELBv2 lists are written as .member.N and read back in order", "[net]") {
  const Json tree = {
      {"Action", "CreateRule"},
      {"Conditions", Json::array({{{"Field", "path-pattern"},
                                   {"PathPatternConfig", {{"Values", {"/a", "/a/*"}}}}}})},
      {"Priority", "3"}};
  const QueryForm form = flatten_query(tree, QueryStyle::Query);
  CHECK(form.value_or("Conditions.member.1.PathPatternConfig.Values.member.2", "") == "/a/*");
  auto parsed = parse_query_tree(form);
  REQUIRE(parsed);
  CHECK(*parsed == tree);
}

TEST_CASE("query_tree: EC2 lists are written as .N", "[net]") {
  const Json tree = {{"Filter", Json::array({{{"Name", "tag:Name"}, {"Value", {"a", "b"}}}})}};
  const QueryForm form = flatten_query(tree, QueryStyle::Ec2);
  CHECK(form.value_or("Filter.1.Value.2", "") == "b");
  auto parsed = parse_query_tree(form);
  REQUIRE(parsed);
  CHECK(*parsed == tree);
}

TEST_CASE("query_tree: indices out of order come back sorted", "[net]") {
  auto form = QueryForm::parse("Names.member.2=b&Names.member.1=a&Names.member.10=c");
  REQUIRE(form);
  auto parsed = parse_query_tree(*form);
  REQUIRE(parsed);
  CHECK((*parsed)["Names"] == Json::array({"a", "b", "c"}));
}

TEST_CASE("query_tree: a name that is both a value and a structure is malformed", "[net]") {
  auto form = QueryForm::parse("A=1&A.B=2");
  REQUIRE(form);
  auto parsed = parse_query_tree(*form);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == "MalformedQueryString");
}

TEST_CASE("xml: member and item lists become arrays, empty elements empty strings", "[net]") {
  auto tree = xml_to_json(
      "<DescribeX "
      "xmlns=\"urn:x\"><DescribeXResult><Items><member><Name>a</Name></member><member><Name>b</"
      "Name></member>"
      "</Items><Empty/></DescribeXResult></DescribeX>");
  REQUIRE(tree);
  const Json& result = (*tree)["DescribeX"]["DescribeXResult"];
  CHECK(result["Items"].size() == 2);
  CHECK(result["Items"][1]["Name"] == "b");
  CHECK(result["Empty"] == "");
}

TEST_CASE("xml: writing escapes text and reading undoes it", "[net]") {
  const Json tree = {{"Message", "a < b & \"c\""}, {"List", Json::array({"x", "y"})}};
  const std::string xml = "<Root>" + json_to_xml(tree, "member") + "</Root>";
  auto back = xml_to_json(xml);
  REQUIRE(back);
  CHECK((*back)["Root"]["Message"] == "a < b & \"c\"");
  CHECK((*back)["Root"]["List"] == Json::array({"x", "y"}));
}

TEST_CASE("xml: malformed documents are errors", "[net]") {
  CHECK_FALSE(xml_to_json("<a><b></a>"));
  CHECK_FALSE(xml_to_json(""));
}

TEST_CASE(
    "query_tree: names with too many parts, long names and too many parameters are "
    "malformed, not a stack overflow",
    "[net]") {
  std::string deep_name = "A";
  for (int i = 0; i < 100'000; ++i)
    deep_name += ".B";
  QueryForm deep;
  deep.add(deep_name, "1");
  auto deep_tree = parse_query_tree(deep);
  REQUIRE_FALSE(deep_tree);
  CHECK(deep_tree.error().code == "MalformedQueryString");
  QueryForm many_parts;
  many_parts.add("A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P.Q", "1");
  auto parts_tree = parse_query_tree(many_parts);
  REQUIRE_FALSE(parts_tree);
  CHECK(parts_tree.error().message.ends_with("has more than 16 dot-separated parts"));
  QueryForm long_name;
  long_name.add(std::string(600, 'N'), "1");
  auto long_tree = parse_query_tree(long_name);
  REQUIRE_FALSE(long_tree);
  CHECK(long_tree.error().message.ends_with("bytes long, over the limit of 512"));
  QueryForm many;
  for (int i = 0; i < 10'001; ++i)
    many.add("P" + std::to_string(i), "v");
  auto many_tree = parse_query_tree(many);
  REQUIRE_FALSE(many_tree);
  CHECK(many_tree.error().message == "the request has 10001 parameters, over the limit of 10000");
  QueryForm deepest;
  deepest.add("Actions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "5");
  CHECK(parse_query_tree(deepest));
}

TEST_CASE("xml: answers nested deeper than the limit are refused", "[net]") {
  std::string deep;
  for (int i = 0; i < 100'000; ++i)
    deep += "<a>";
  for (int i = 0; i < 100'000; ++i)
    deep += "</a>";
  auto parsed = xml_to_json(deep);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().message == "the XML answer nests deeper than 64 elements");
  auto shallow = xml_to_json("<R><S><member><T>x</T></member></S></R>");
  REQUIRE(shallow);
  CHECK((*shallow)["R"]["S"][0]["T"] == "x");
}

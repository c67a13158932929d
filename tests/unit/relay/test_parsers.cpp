#include <catch2/catch.hpp>

#include "../../../lib/src/relay/flat_xml.hpp"
#include "../../../lib/src/relay/parsers.hpp"
#include "bdctl/error.hpp"

using namespace bdctl;
using namespace bdctl::relay;

TEST_CASE("KMTronic status.xml as posted by a user parses, relay0 dropped", "[unit]") {
  auto r = parse_kmtronic_status_xml(
      "<response>\n<relay0>1</relay0>\n<relay1>0</relay1>\n<relay2>1</relay2>\n<relay3>0</relay3>\n</response>\n");
  REQUIRE(r.channels.size() == 3);
  CHECK(r.channels[0].channel == 1);
  CHECK_FALSE(r.channels[0].raw);
  CHECK(r.channels[1].raw);
  CHECK(r.channels[2].channel == 3);
}

TEST_CASE("KMTronic status.xml tolerates CRLF, a prolog and comments", "[unit]") {
  auto r = parse_kmtronic_status_xml(
      "<?xml version=\"1.0\"?>\r\n<!-- board -->\r\n<response>\r\n<relay0>0</relay0>\r\n<relay1> 1 "
      "</relay1>\r\n</response>");
  REQUIRE(r.channels.size() == 1);
  CHECK(r.channels[0].raw);
}

TEST_CASE("documents that are not a relay status are rejected", "[unit]") {
  const char* bad[] = {
      "<response>\n<temp0>21.5</temp0>\n<name0>Sensor1</name0>\n</response>",  // DS1820 temperature module
      "<response><relay0>1</relay0><relay2>0</relay2></response>",             // gap in numbering
      "<response><relay0>1</relay0><relay1>2</relay1></response>",             // not 0/1
      "<response><relay0>1</relay0><relay1><b>1</b></relay1></response>",      // nested
      "<response><relay0>1</relay0><relay1>1</relay1>",                        // truncated
      "<response><relay0>1</relay0><relay1>1</relay1></response><x/>",         // second root
      "<rr4005i><SUPPLY>13.7</SUPPLY></rr4005i>",                              // another device
      "<html><body>401</body></html>",
      "",
      "<response><relay0>1</relay0></response>",  // no relays at all
  };
  for (const char* doc : bad) {
    INFO(doc);
    CHECK_THROWS_AS(parse_kmtronic_status_xml(doc), SystemError);
  }
  try {
    parse_kmtronic_status_xml("<response><temp0>1</temp0></response>");
  } catch (const SystemError& e) {
    CHECK(std::string(e.what()).find("not a KMTronic relay board") != std::string::npos);
  }
}

TEST_CASE("KMTronic UDP and serial status replies", "[unit]") {
  auto u = parse_kmtronic_udp_status("00000101\r\n");
  REQUIRE(u.channels.size() == 8);
  CHECK(u.channels[5].raw);
  CHECK(u.channels[7].raw);
  CHECK_FALSE(u.channels[6].raw);
  CHECK_THROWS_AS(parse_kmtronic_udp_status("OK"), SystemError);
  CHECK_THROWS_AS(parse_kmtronic_udp_status(""), SystemError);
  auto s = parse_kmtronic_serial_status(std::string("\x00\x01\x00\x00", 4));
  REQUIRE(s.channels.size() == 4);
  CHECK(s.channels[1].raw);
  CHECK_THROWS_AS(parse_kmtronic_serial_status(std::string("\x00\x02", 2)), SystemError);
}

TEST_CASE("RIGrunner status.xml and settings.cgi", "[unit]") {
  std::string doc = "<?xml version='1.0'?>\n<rr4005i>\n<SUPPLY>13.71</SUPPLY>\n";
  for (int i = 0; i < 5; ++i) doc += "<RAILLOAD" + std::to_string(i) + ">1.30</RAILLOAD" + std::to_string(i) + ">\n";
  for (int i = 0; i < 5; ++i)
    doc += "<RAILENA" + std::to_string(i) + ">" + (i == 2 ? "0" : "1") + "</RAILENA" + std::to_string(i) + ">\n";
  auto r = parse_rigrunner_status_xml(doc + "<TEMP>30</TEMP></rr4005i>");
  REQUIRE(r.channels.size() == 5);
  CHECK(r.supply_v == Approx(13.71));
  CHECK(r.channels[0].channel == 0);
  CHECK_FALSE(r.channels[2].raw);
  CHECK(r.channels[4].current_a == Approx(1.30));
  apply_rigrunner_settings("RAILSTR0=Station\r\nRAILSTR3=Aux\nRAILFUSE0=10\nRAILSTR9=x\n", r);
  CHECK(r.channels[0].label == "Station");
  CHECK(r.channels[3].label == "Aux");
  CHECK(r.channels[1].label.empty());
  CHECK_THROWS_AS(parse_rigrunner_status_xml("<rr4005i><SUPPLY>13.7</SUPPLY></rr4005i>"), SystemError);
  CHECK_THROWS_AS(parse_rigrunner_status_xml("<response><relay0>1</relay0><relay1>1</relay1></response>"), SystemError);
}

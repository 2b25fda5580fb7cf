#include <doctest/doctest.h>

#include "init/preflight/timezone_spec.hpp"

using namespace keel::init;

TEST_CASE("POSIX TZ rules need no file") {
    for (const char* rule : {"UTC0", "EST5EDT,M3.2.0,M11.1.0", "CET-1CEST,M3.5.0,M10.5.0/3", "<+0530>-5:30",
                             "JST-9", "NZST-12NZDT,M9.5.0,M4.1.0/3", "AAA3BBB,J60,J300", "EST+5EDT4,10,300/2:00:00",
                             "<-03>3", "UTC+0"}) {
        CAPTURE(rule);
        CHECK(is_posix_tz_rule(rule));
        CHECK(classify_tz(rule).value().kind == TzKind::posix_rule);
    }
    for (const char* not_rule : {"UTC", "Europe/Paris", "EST", "EST5EDT,M3.2.0", "EST5EDT,M13.2.0,M11.1.0", "AB0",
                                 "EST5,", "<AB>0", "EST200"}) {
        CAPTURE(not_rule);
        CHECK_FALSE(is_posix_tz_rule(not_rule));
    }
}

TEST_CASE("zone names, paths and refusals") {
    CHECK(classify_tz("Europe/Paris").value().kind == TzKind::zone_name);
    CHECK(classify_tz(":Europe/Paris").value().value == "Europe/Paris");
    CHECK(classify_tz("UTC").value().kind == TzKind::zone_name);
    CHECK(classify_tz("America/Argentina/Buenos_Aires").value().kind == TzKind::zone_name);
    CHECK(classify_tz("Etc/GMT+5").value().kind == TzKind::zone_name);
    CHECK(classify_tz(":/etc/localtime").value().kind == TzKind::absolute_path);
    CHECK(classify_tz("../../etc/passwd").error().find("'..'") != std::string::npos);
    CHECK(classify_tz("Europe/../../etc/passwd").error().find("'..'") != std::string::npos);
    CHECK_FALSE(classify_tz(std::string(300, 'A')).ok());
    CHECK(classify_tz(std::string(300, 'A')).error().find("300 characters") != std::string::npos);
    CHECK_FALSE(classify_tz("").ok());
    CHECK_FALSE(classify_tz(":").ok());
    CHECK_FALSE(classify_tz("Europe/Par is").ok());
    CHECK(classify_tz("a..b").value().kind == TzKind::zone_name);  // ".." only as a whole component
}

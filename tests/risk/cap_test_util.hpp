#pragma once
// Helpers of the CAP tests: schema validation with libxml2 against tests/data/cap/CAP-v1.2.xsd,
// XPath look-ups in a CAP document, and a small set of LevelChange events.
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "risk/level_change.hpp"

namespace floodsim::test {

/// The test schema, parsed once.
class CapSchema {
public:
    CapSchema() {
        const std::string path = std::string(FLOODSIM_SOURCE_DIR) + "/tests/data/cap/CAP-v1.2.xsd";
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path.c_str());
        if (!pc) throw std::runtime_error("cannot open " + path);
        schema_ = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
        if (!schema_) throw std::runtime_error("cannot parse " + path);
    }
    ~CapSchema() { xmlSchemaFree(schema_); }
    CapSchema(const CapSchema&) = delete;
    CapSchema& operator=(const CapSchema&) = delete;

    /// Empty when `xml` is well-formed and valid; else the first errors libxml2 reported.
    std::string errors(const std::string& xml) const {
        std::string errs;
        xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "alert.xml", nullptr,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (!doc) return "not well-formed XML";
        xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema_);
        xmlSchemaSetValidStructuredErrors(
            vc,
            [](void* user, xmlErrorPtr e) {
                auto* s = static_cast<std::string*>(user);
                if (s->size() < 2000) *s += (e && e->message) ? e->message : "error\n";
            },
            &errs);
        const int rc = xmlSchemaValidateDoc(vc, doc);
        xmlSchemaFreeValidCtxt(vc);
        xmlFreeDoc(doc);
        if (rc != 0 && errs.empty()) errs = "invalid (code " + std::to_string(rc) + ")";
        return errs;
    }

private:
    xmlSchemaPtr schema_ = nullptr;
};

inline const CapSchema& cap_schema() {
    static const CapSchema s;
    return s;
}

/// A parsed CAP document with XPath look-ups; prefix "cap" is the CAP 1.2 namespace.
class CapDoc {
public:
    explicit CapDoc(const std::string& xml) {
        doc_ = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "alert.xml", nullptr, XML_PARSE_NONET);
        if (!doc_) throw std::runtime_error("not well-formed XML");
        ctx_ = xmlXPathNewContext(doc_);
        xmlXPathRegisterNs(ctx_, BAD_CAST "cap", BAD_CAST "urn:oasis:names:tc:emergency:cap:1.2");
    }
    ~CapDoc() {
        xmlXPathFreeContext(ctx_);
        xmlFreeDoc(doc_);
    }
    CapDoc(const CapDoc&) = delete;
    CapDoc& operator=(const CapDoc&) = delete;

    /// The text of every node the XPath selects, in document order.
    std::vector<std::string> all(const std::string& xpath) const {
        std::vector<std::string> out;
        xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST xpath.c_str(), ctx_);
        if (!r) throw std::runtime_error("bad XPath " + xpath);
        if (r->nodesetval)
            for (int k = 0; k < r->nodesetval->nodeNr; ++k) {
                xmlChar* c = xmlNodeGetContent(r->nodesetval->nodeTab[k]);
                out.emplace_back(c ? reinterpret_cast<const char*>(c) : "");
                xmlFree(c);
            }
        xmlXPathFreeObject(r);
        return out;
    }
    /// The text of the one node the XPath selects ("" if none; throws if several).
    std::string one(const std::string& xpath) const {
        const auto v = all(xpath);
        if (v.size() > 1) throw std::runtime_error(xpath + " selects " + std::to_string(v.size()) + " nodes");
        return v.empty() ? std::string() : v[0];
    }

private:
    xmlDocPtr doc_ = nullptr;
    xmlXPathContextPtr ctx_ = nullptr;
};

/// A closed square ring of (lat, lon) around a centre, `half` degrees each side.
inline std::vector<std::array<double, 2>> square(double lat, double lon, double half) {
    return {{lat - half, lon - half},
            {lat - half, lon + half},
            {lat + half, lon + half},
            {lat + half, lon - half},
            {lat - half, lon - half}};
}

inline ::floodsim::risk::LevelChange change(const std::string& id, const std::string& name, int level, int previous, double time_s,
                                double depth) {
    ::floodsim::risk::LevelChange e;
    e.asset_id = id;
    e.asset_name = name;
    e.level = level;
    e.previous_level = previous;
    e.time_s = time_s;
    e.max_depth = depth;
    e.area.description = name;
    return e;
}

}  // namespace floodsim::test

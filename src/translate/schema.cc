// JSON Schema rewriting for Gemini's dialects and from Gemini's OpenAPI-style schemas.
#include <cctype>

#include "translate/common.h"

namespace rg::translate {
namespace {

// Gemini's `Schema` (OpenAPI 3.0 subset, generativelanguage v1beta). Anything else in
// `parameters` is a 400 "Invalid JSON payload received. Unknown name ..." (§1.3, §4.9 #7).
bool gemini_allows(std::string_view key) {
    static constexpr std::string_view allowed[] = {
        "type",      "format",    "title",      "description", "nullable",      "enum",
        "maxItems",  "minItems",  "properties", "required",    "minProperties", "maxProperties",
        "minLength", "maxLength", "pattern",    "example",     "anyOf",         "propertyOrdering",
        "default",   "items",     "minimum",    "maximum",
    };
    for (std::string_view a : allowed) {
        if (key == a) {
            return true;
        }
    }
    return false;
}

// Keys whose value is a map from names to schemas.
bool is_schema_map(std::string_view key) {
    return key == "properties" || key == "$defs" || key == "definitions" ||
           key == "patternProperties";
}

// Keys whose value is a schema or an array of schemas.
bool is_subschema(std::string_view key) {
    return key == "items" || key == "anyOf" || key == "oneOf" || key == "allOf" || key == "not" ||
           key == "additionalProperties" || key == "prefixItems" || key == "contains" ||
           key == "if" || key == "then" || key == "else" || key == "propertyNames";
}

class SchemaWriter {
  public:
    SchemaWriter(SchemaMode mode, JsonWriter& w) : mode_(mode), w_(w) {}

    Result<void> walk(od::value v, int depth) {
        if (depth > detail::walk_depth_max) {
            return bad_input(Side::downstream, "a JSON schema nests too deeply");
        }
        od::json_type type;
        RG_TJ(v.type().get(type), Side::downstream, "a JSON schema is not valid JSON");
        if (type == od::json_type::array) {
            od::array a;
            RG_TJ(v.get_array().get(a), Side::downstream, "a JSON schema is not valid JSON");
            w_.begin_array();
            for (auto item : a) {
                od::value iv;
                RG_TJ(item.get(iv), Side::downstream, "a JSON schema is not valid JSON");
                RG_TRY(walk(iv, depth + 1));
            }
            w_.end_array();
            return ok_result();
        }
        if (type != od::json_type::object) {
            std::string_view raw;
            RG_TJ(raw_value(v, &raw), Side::downstream, "a JSON schema is not valid JSON");
            w_.raw(raw);
            return ok_result();
        }
        od::object o;
        RG_TJ(v.get_object().get(o), Side::downstream, "a JSON schema is not valid JSON");
        w_.begin_object();
        for (auto f : o) {
            std::string_view key;
            RG_TJ(f.unescaped_key().get(key), Side::downstream, "a JSON schema is not valid JSON");
            od::value val;
            RG_TJ(f.value().get(val), Side::downstream, "a JSON schema is not valid JSON");
            RG_TRY(member(key, val, depth));
        }
        w_.end_object();
        return ok_result();
    }

  private:
    Result<void> member(std::string_view key, od::value& val, int depth) {
        if (mode_ == SchemaMode::gemini_json && key == "$schema") {
            return ok_result();
        }
        if (mode_ == SchemaMode::gemini_openapi) {
            if (key == "const") {
                // `const: x` is `enum: [x]` in the OpenAPI subset.
                std::string_view raw;
                RG_TJ(raw_value(val, &raw), Side::downstream, "a JSON schema is not valid JSON");
                w_.key("enum");
                w_.begin_array();
                w_.raw(raw);
                w_.end_array();
                return ok_result();
            }
            if (key == "oneOf") {
                key = "anyOf";  // the closest the subset has
            } else if (!gemini_allows(key)) {
                return ok_result();
            }
        }
        if (key == "type") {
            return type_member(val);
        }
        if (is_schema_map(key)) {
            od::object map;
            RG_TJ(val.get_object().get(map), Side::downstream,
                  "schema properties is not an object");
            w_.key_escaped(key);
            w_.begin_object();
            for (auto f : map) {
                std::string_view name;
                RG_TJ(f.unescaped_key().get(name), Side::downstream,
                      "a JSON schema is not valid JSON");
                od::value sub;
                RG_TJ(f.value().get(sub), Side::downstream, "a JSON schema is not valid JSON");
                w_.key_escaped(name);
                RG_TRY(walk(sub, depth + 1));
            }
            w_.end_object();
            return ok_result();
        }
        w_.key_escaped(key);
        if (is_subschema(key)) {
            return walk(val, depth + 1);
        }
        std::string_view raw;
        RG_TJ(raw_value(val, &raw), Side::downstream, "a JSON schema is not valid JSON");
        w_.raw(raw);
        return ok_result();
    }

    Result<void> type_member(od::value& val) {
        od::json_type type;
        RG_TJ(val.type().get(type), Side::downstream, "schema type is invalid");
        if (type == od::json_type::string) {
            std::string_view t;
            RG_TJ(val.get_string().get(t), Side::downstream, "schema type is invalid");
            write_type(t);
            return ok_result();
        }
        if (type == od::json_type::array && mode_ == SchemaMode::gemini_openapi) {
            // ["string", "null"] -> "string" + nullable (the subset has no type arrays).
            od::array a;
            RG_TJ(val.get_array().get(a), Side::downstream, "schema type is invalid");
            std::string_view first;
            bool nullable = false;
            for (auto item : a) {
                std::string_view t;
                RG_TJ(item.get_string().get(t), Side::downstream, "schema type is invalid");
                if (t == "null") {
                    nullable = true;
                } else if (first.empty()) {
                    first = t;
                }
            }
            if (!first.empty()) {
                write_type(first);
            }
            if (nullable) {
                w_.field_bool("nullable", true);
            }
            return ok_result();
        }
        std::string_view raw;
        RG_TJ(raw_value(val, &raw), Side::downstream, "schema type is invalid");
        w_.field_raw("type", raw);
        return ok_result();
    }

    void write_type(std::string_view t) {
        w_.key("type");
        if (mode_ != SchemaMode::lowercase_types) {
            w_.string(t);
            return;
        }
        char lower[32];
        if (t.size() > sizeof(lower)) {
            w_.string(t);
            return;
        }
        for (size_t i = 0; i < t.size(); ++i) {
            lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(t[i])));
        }
        w_.string(std::string_view(lower, t.size()));
    }

    SchemaMode mode_;
    JsonWriter& w_;
};

}  // namespace

Result<void> write_schema(Arena& arena, std::string_view raw, SchemaMode mode, JsonWriter& w) {
    od::document doc;
    RG_TJ(arena.parsers().walker.iterate(scratch_copy(arena, raw)).get(doc), Side::downstream,
          "a JSON schema is not valid JSON");
    od::value root;
    RG_TJ(doc.get_value().get(root), Side::downstream, "a JSON schema is not valid JSON");
    SchemaWriter writer(mode, w);
    return writer.walk(root, 0);
}

}  // namespace rg::translate

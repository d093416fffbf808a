package org.cftrec.dataset.amazon;

import java.util.ArrayList;
import java.util.List;

/**
 * The two text formats of the D3/BIGRec CSV files: one RFC 4180 record per line (quoted fields, doubled
 * quotes), and Python-literal lists inside a field ({@code ['a', "b's"]} or {@code [1, 2]}).
 */
final class CsvLine {
    private CsvLine() {
    }

    static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted field");
        }
        fields.add(field.toString());
        return fields;
    }

    /** Elements of a Python list literal of strings or integers, as strings. */
    static List<String> pythonList(String text) {
        String s = text.strip();
        if (!s.startsWith("[") || !s.endsWith("]")) {
            throw new IllegalArgumentException("expected a Python list literal, got '" + abbreviate(s) + "'");
        }
        List<String> items = new ArrayList<>();
        int i = 1;
        int end = s.length() - 1;
        while (i < end) {
            char c = s.charAt(i);
            if (c == ' ' || c == ',') {
                i++;
            } else if (c == '\'' || c == '"') {
                StringBuilder item = new StringBuilder();
                int j = i + 1;
                while (j < end && s.charAt(j) != c) {
                    if (s.charAt(j) == '\\' && j + 1 < end) {
                        j++;
                    }
                    item.append(s.charAt(j));
                    j++;
                }
                if (j >= end) {
                    throw new IllegalArgumentException("unterminated string in list '" + abbreviate(s) + "'");
                }
                items.add(item.toString());
                i = j + 1;
            } else {
                int j = i;
                while (j < end && s.charAt(j) != ',') {
                    j++;
                }
                String token = s.substring(i, j).strip();
                if (!token.matches("-?\\d+")) {
                    throw new IllegalArgumentException("unexpected list element '" + token + "'");
                }
                items.add(token);
                i = j;
            }
        }
        return items;
    }

    /** One RFC 4180 record: fields with a comma, quote or line break are quoted, quotes doubled. */
    static String record(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            if (i > 0) {
                line.append(',');
            }
            if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                    || field.indexOf('\r') >= 0) {
                line.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                line.append(field);
            }
        }
        return line.toString();
    }

    /** A Python list literal as Python's repr writes it: {@code ['a', "b's"]} for strings. */
    static String pythonStrings(List<String> values) {
        List<String> literals = new ArrayList<>();
        for (String v : values) {
            literals.add(pythonString(v));
        }
        return "[" + String.join(", ", literals) + "]";
    }

    /** A Python list literal of numbers, each already formatted. */
    static String pythonNumbers(List<String> values) {
        return "[" + String.join(", ", values) + "]";
    }

    /** Python's repr of a str: single quotes unless the text has one and no double quote; backslashes escaped. */
    static String pythonString(String value) {
        char quote = value.indexOf('\'') >= 0 && value.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == quote) {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        return out.append(quote).toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}

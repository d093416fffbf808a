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

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}

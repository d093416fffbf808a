package org.cftrec.dataset.amazon;

import java.util.ArrayList;
import java.util.List;

/**
 * The Python-literal lists inside fields of the D3/BIGRec CSV files ({@code ['a', "b's"]} or {@code [1, 2]}), as
 * pandas writes a column of Python lists; the CSV layer itself is {@link CsvFiles}.
 */
final class PythonLists {
    private PythonLists() {
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

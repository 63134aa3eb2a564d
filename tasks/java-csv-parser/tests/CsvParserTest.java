import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvParserTest {
    @Test
    void plainRecords() {
        assertEquals(List.of(List.of("a", "b", "c"), List.of("1", "2", "3")), CsvParser.parse("a,b,c\n1,2,3\n"));
    }

    @Test
    void emptyFieldsAreKept() {
        assertEquals(List.of(List.of("", "", ""), List.of("x", "")), CsvParser.parse(",,\nx,"));
    }

    @Test
    void quotedFieldsWithCommasAndQuotes() {
        assertEquals(List.of(List.of("Smith, John", "He said \"hi\"", "")),
                CsvParser.parse("\"Smith, John\",\"He said \"\"hi\"\"\",\"\""));
    }

    @Test
    void lineBreakInsideQuotes() {
        assertEquals(List.of(List.of("id", "note"), List.of("7", "line one\nline two")),
                CsvParser.parse("id,note\n7,\"line one\nline two\"\n"));
    }

    @Test
    void crlfLineEndings() {
        assertEquals(List.of(List.of("a", "b"), List.of("c", "d")), CsvParser.parse("a,b\r\nc,d\r\n"));
    }

    @Test
    void emptyTextAndNoTrailingRecord() {
        assertEquals(List.of(), CsvParser.parse(""));
        assertEquals(List.of(List.of("only")), CsvParser.parse("only\n"));
    }

    @Test
    void malformedQuotesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> CsvParser.parse("a,\"unterminated\n"));
        assertThrows(IllegalArgumentException.class, () -> CsvParser.parse("\"closed\"junk,b\n"));
    }
}

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PasswordPolicyTest {
    @Test
    void goodPassword() {
        assertEquals(List.of(), PasswordPolicy.check("Tr0ub4dor&3x", "alice"));
    }

    @Test
    void lengthBoundary() {
        assertEquals(List.of("LENGTH"), PasswordPolicy.check("Ab1!Ab1!Ab1", "bob"));
        assertEquals(List.of(), PasswordPolicy.check("Ab1!Ab1!Ab1!", "bob"));
    }

    @Test
    void everyRuleInOrder() {
        assertEquals(List.of("LENGTH", "UPPER", "DIGIT", "SYMBOL", "REPEAT", "USERNAME"),
                PasswordPolicy.check("eveee", "eve"));
    }

    @Test
    void emptyPassword() {
        assertEquals(List.of("LENGTH", "UPPER", "LOWER", "DIGIT", "SYMBOL"), PasswordPolicy.check("", "carol"));
    }

    @Test
    void repeatNeedsThreeInARow() {
        assertEquals(List.of(), PasswordPolicy.check("aaBB11!!ccDD", "zed"));
        assertEquals(List.of("REPEAT"), PasswordPolicy.check("aaBB11!!!cDD", "zed"));
    }

    @Test
    void usernameIsCaseInsensitive() {
        assertEquals(List.of("USERNAME"), PasswordPolicy.check("xx-DaVe-2024", "dave"));
        assertEquals(List.of(), PasswordPolicy.check("xx-DaVe-2024", ""));
    }

    @Test
    void nonAsciiCountsAsSymbolNotLetter() {
        assertEquals(List.of("UPPER"), PasswordPolicy.check("\u00C4\u00D6\u00DC-abc-12345", "x"));
    }
}

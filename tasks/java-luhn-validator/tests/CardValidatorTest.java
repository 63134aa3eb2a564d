import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CardValidatorTest {
    @Test
    void validNumbers() {
        assertTrue(CardValidator.isValid("4539578763621486"));
        assertTrue(CardValidator.isValid("378282246310005"));
        assertTrue(CardValidator.isValid("5555555555554444"));
    }

    @Test
    void checksumFailure() {
        assertFalse(CardValidator.isValid("4539578763621487"));
        assertFalse(CardValidator.isValid("5555555555554445"));
    }

    @Test
    void separatorsAreIgnoredButOtherCharactersAreNot() {
        assertTrue(CardValidator.isValid("4539 5787-6362 1486"));
        assertFalse(CardValidator.isValid("4539x578763621486"));
        assertFalse(CardValidator.isValid(null));
        assertFalse(CardValidator.isValid(""));
    }

    @Test
    void lengthBounds() {
        assertFalse(CardValidator.isValid("00000000000"), "11 digits");
        assertTrue(CardValidator.isValid("000000000000"), "12 digits");
        assertTrue(CardValidator.isValid("0000000000000000000"), "19 digits");
        assertFalse(CardValidator.isValid("00000000000000000000"), "20 digits");
    }

    @Test
    void brands() {
        assertEquals("VISA", CardValidator.brand("4539 5787 6362 1486"));
        assertEquals("AMEX", CardValidator.brand("378282246310005"));
        assertEquals("AMEX", CardValidator.brand("341111111111111"));
        assertEquals("MASTERCARD", CardValidator.brand("5105105105105100"));
        assertEquals("UNKNOWN", CardValidator.brand("6011111111111117"));
    }

    @Test
    void mastercardTwoSeriesBoundaries() {
        assertEquals("MASTERCARD", CardValidator.brand("2221000000000009"));
        assertEquals("MASTERCARD", CardValidator.brand("2720990000000000"));
        assertEquals("UNKNOWN", CardValidator.brand("2220990000000000"));
        assertEquals("UNKNOWN", CardValidator.brand("2721000000000000"));
        assertEquals("UNKNOWN", CardValidator.brand("5605105105105100"));
    }
}

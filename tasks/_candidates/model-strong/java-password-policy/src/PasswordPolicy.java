import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public class PasswordPolicy {
    public static List<String> check(String password, String username) {
        boolean upper = false, lower = false, digit = false, symbol = false, repeat = false;
        for (int i = 0; i < password.length(); i++) {
            char c = password.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else {
                symbol = true;
            }
            if (i >= 2 && c == password.charAt(i - 1) && c == password.charAt(i - 2)) {
                repeat = true;
            }
        }
        List<String> out = new ArrayList<>();
        if (password.length() < 12) out.add("LENGTH");
        if (!upper) out.add("UPPER");
        if (!lower) out.add("LOWER");
        if (!digit) out.add("DIGIT");
        if (!symbol) out.add("SYMBOL");
        if (repeat) out.add("REPEAT");
        if (username != null && !username.isEmpty()
                && password.toLowerCase(Locale.ROOT).contains(username.toLowerCase(Locale.ROOT))) {
            out.add("USERNAME");
        }
        return out;
    }
}

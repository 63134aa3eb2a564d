public class CardValidator {
    private static String clean(String number) {
        if (number == null) {
            return null;
        }
        StringBuilder digits = new StringBuilder();
        for (char c : number.toCharArray()) {
            if (c == ' ' || c == '-') {
                continue;
            }
            if (c < '0' || c > '9') {
                return null;
            }
            digits.append(c);
        }
        return digits.toString();
    }

    public static boolean isValid(String number) {
        String digits = clean(number);
        if (digits == null || digits.length() < 12 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    public static String brand(String number) {
        String d = clean(number);
        if (d == null) {
            return "UNKNOWN";
        }
        int len = d.length();
        if (len == 15 && (d.startsWith("34") || d.startsWith("37"))) {
            return "AMEX";
        }
        if ((len == 13 || len == 16 || len == 19) && d.startsWith("4")) {
            return "VISA";
        }
        if (len == 16) {
            int two = Integer.parseInt(d.substring(0, 2));
            int four = Integer.parseInt(d.substring(0, 4));
            if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) {
                return "MASTERCARD";
            }
        }
        return "UNKNOWN";
    }
}

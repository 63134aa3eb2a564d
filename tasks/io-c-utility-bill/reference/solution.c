#include <stdio.h>
#include <string.h>

/* A reading is 1-5 decimal digits; anything else (signs, decimals, letters) is refused. */
static int parse_reading(const char *s, long *out) {
    size_t n = strlen(s);
    if (n == 0 || n > 5) return 0;
    long v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

static long energy_cents(long kwh) {
    long cents = 0;
    long first = kwh < 100 ? kwh : 100;
    cents += first * 12;
    if (kwh > 100) cents += ((kwh < 300 ? kwh : 300) - 100) * 15;
    if (kwh > 300) cents += (kwh - 300) * 20;
    return cents;
}

int main(void) {
    char account[256], prev_s[256], curr_s[256];
    long accounts = 0, usage_total = 0, revenue = 0;
    while (scanf("%255s %255s %255s", account, prev_s, curr_s) == 3) {
        long prev, curr;
        if (!parse_reading(prev_s, &prev) || !parse_reading(curr_s, &curr)) {
            printf("%s invalid\n", account);
            continue;
        }
        long usage = curr >= prev ? curr - prev : curr + 100000 - prev;
        long net = 500 + energy_cents(usage);
        long amount = net + (net * 5 + 50) / 100; /* VAT, half up to a cent */
        accounts++;
        usage_total += usage;
        revenue += amount;
        printf("%s %ld %ld.%02ld\n", account, usage, amount / 100, amount % 100);
    }
    printf("ACCOUNTS %ld USAGE %ld REVENUE %ld.%02ld\n", accounts, usage_total, revenue / 100,
           revenue % 100);
    return 0;
}

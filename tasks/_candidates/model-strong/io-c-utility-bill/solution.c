#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int reading(const char *s, long *v) {
    size_t n = strlen(s);
    if (n < 1 || n > 5) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    sscanf(s, "%ld", v);
    return 1;
}

int main(void) {
    char acct[128], a[64], b[64];
    long n = 0, kwh_sum = 0, cents_sum = 0;
    while (scanf("%127s %63s %63s", acct, a, b) == 3) {
        long prev, curr;
        if (!reading(a, &prev) || !reading(b, &curr)) {
            printf("%s invalid\n", acct);
            continue;
        }
        long kwh = curr - prev;
        long cents = 500;
        for (long k = 1; k <= kwh; k++) cents += k <= 100 ? 12 : k <= 300 ? 15 : 20;
        cents += (cents * 5 + 50) / 100;
        n++;
        kwh_sum += kwh;
        cents_sum += cents;
        printf("%s %ld %ld.%02ld\n", acct, kwh, cents / 100, cents % 100);
    }
    printf("ACCOUNTS %ld USAGE %ld REVENUE %ld.%02ld\n", n, kwh_sum, cents_sum / 100, cents_sum % 100);
    return 0;
}

#include <stdio.h>
#include <stdlib.h>

/* Written against a C99-with-extensions compiler: bool without <stdbool.h>. */
bool valid(const char *s) {
    char *end;
    long v = strtol(s, &end, 10);
    return *end == '\0' && v >= 0 && v <= 99999;
}

int main(void) {
    char acct[64], a[32], b[32];
    long count = 0, usage = 0, revenue = 0;
    while (scanf("%63s %31s %31s", acct, a, b) == 3) {
        if (!valid(a) || !valid(b)) {
            printf("%s invalid\n", acct);
            continue;
        }
        long prev = atol(a), curr = atol(b);
        long kwh = curr >= prev ? curr - prev : curr + 100000 - prev;
        long c = 500 + (kwh > 300 ? 20 : kwh > 100 ? 15 : 12) * kwh;
        c = c * 105 / 100;
        count++;
        usage += kwh;
        revenue += c;
        printf("%s %ld %ld.%02ld\n", acct, kwh, c / 100, c % 100);
    }
    printf("ACCOUNTS %ld USAGE %ld REVENUE %ld.%02ld\n", count, usage, revenue / 100, revenue % 100);
}

package task

import (
	"errors"
	"reflect"
	"testing"
)

func TestDepositAndWithdraw(t *testing.T) {
	l := NewLedger(0, 0)
	if err := l.Deposit(1000); err != nil {
		t.Fatalf("Deposit(1000): %v", err)
	}
	if err := l.Withdraw(250); err != nil {
		t.Fatalf("Withdraw(250): %v", err)
	}
	if b := l.Balance(); b != 750 {
		t.Fatalf("Balance() = %d, want 750", b)
	}
}

func TestInvalidAmounts(t *testing.T) {
	l := NewLedger(100, 10)
	for _, a := range []int64{0, -5} {
		if err := l.Deposit(a); !errors.Is(err, ErrInvalidAmount) {
			t.Errorf("Deposit(%d) = %v, want ErrInvalidAmount", a, err)
		}
		if err := l.Withdraw(a); !errors.Is(err, ErrInvalidAmount) {
			t.Errorf("Withdraw(%d) = %v, want ErrInvalidAmount", a, err)
		}
	}
	if len(l.History()) != 0 {
		t.Fatalf("rejected operations were recorded: %v", l.History())
	}
}

func TestWithdrawToExactlyZeroCostsNoFee(t *testing.T) {
	l := NewLedger(500, 35)
	l.Deposit(200)
	if err := l.Withdraw(200); err != nil {
		t.Fatalf("Withdraw(200): %v", err)
	}
	if b := l.Balance(); b != 0 {
		t.Fatalf("Balance() = %d, want 0 (no fee at exactly zero)", b)
	}
}

func TestOverdraftChargesFee(t *testing.T) {
	l := NewLedger(500, 35)
	l.Deposit(100)
	if err := l.Withdraw(300); err != nil {
		t.Fatalf("Withdraw(300) within overdraft: %v", err)
	}
	if b := l.Balance(); b != -235 {
		t.Fatalf("Balance() = %d, want -235 (-200 and a 35 fee)", b)
	}
	if err := l.Withdraw(10); err != nil {
		t.Fatalf("second Withdraw(10): %v", err)
	}
	if b := l.Balance(); b != -280 {
		t.Fatalf("Balance() = %d, want -280 (every negative withdrawal pays the fee)", b)
	}
}

func TestOverdraftLimitBoundary(t *testing.T) {
	l := NewLedger(500, 35)
	if err := l.Withdraw(500); err != nil {
		t.Fatalf("Withdraw(500) to exactly the limit: %v", err)
	}
	if b := l.Balance(); b != -535 {
		t.Fatalf("Balance() = %d, want -535", b)
	}
	l2 := NewLedger(500, 35)
	if err := l2.Withdraw(501); !errors.Is(err, ErrInsufficientFunds) {
		t.Fatalf("Withdraw(501) = %v, want ErrInsufficientFunds", err)
	}
	if b := l2.Balance(); b != 0 || len(l2.History()) != 0 {
		t.Fatalf("refused withdrawal changed the ledger: balance %d, history %v", b, l2.History())
	}
}

func TestHistoryRecordsFees(t *testing.T) {
	l := NewLedger(100, 5)
	l.Deposit(50)
	l.Withdraw(80)
	want := []Entry{
		{Kind: "deposit", Amount: 50, Balance: 50},
		{Kind: "withdrawal", Amount: 80, Balance: -30},
		{Kind: "fee", Amount: 5, Balance: -35},
	}
	if got := l.History(); !reflect.DeepEqual(got, want) {
		t.Fatalf("History() = %+v, want %+v", got, want)
	}
}

func TestHistoryIsACopy(t *testing.T) {
	l := NewLedger(0, 0)
	l.Deposit(10)
	h := l.History()
	h[0].Amount = 999
	if got := l.History()[0].Amount; got != 10 {
		t.Fatalf("changing the returned history changed the ledger: Amount = %d", got)
	}
}

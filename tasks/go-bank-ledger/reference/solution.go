package task

import (
	"errors"
	"fmt"
)

var (
	ErrInvalidAmount     = errors.New("amount must be positive")
	ErrInsufficientFunds = errors.New("insufficient funds: overdraft limit reached")
)

type Entry struct {
	Kind    string
	Amount  int64
	Balance int64
}

type Ledger struct {
	limit, fee, balance int64
	history             []Entry
}

func NewLedger(overdraftLimit, overdraftFee int64) *Ledger {
	return &Ledger{limit: overdraftLimit, fee: overdraftFee}
}

func (l *Ledger) record(kind string, amount int64) {
	l.history = append(l.history, Entry{Kind: kind, Amount: amount, Balance: l.balance})
}

func (l *Ledger) Deposit(amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("deposit of %d: %w", amount, ErrInvalidAmount)
	}
	l.balance += amount
	l.record("deposit", amount)
	return nil
}

func (l *Ledger) Withdraw(amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("withdrawal of %d: %w", amount, ErrInvalidAmount)
	}
	if l.balance-amount < -l.limit {
		return fmt.Errorf("withdrawal of %d from balance %d: %w", amount, l.balance, ErrInsufficientFunds)
	}
	l.balance -= amount
	l.record("withdrawal", amount)
	if l.balance < 0 && l.fee > 0 {
		l.balance -= l.fee
		l.record("fee", l.fee)
	}
	return nil
}

func (l *Ledger) Balance() int64 { return l.balance }

func (l *Ledger) History() []Entry {
	return append([]Entry(nil), l.history...)
}

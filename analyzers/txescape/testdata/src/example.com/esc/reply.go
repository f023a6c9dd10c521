package esc

import (
	"database/sql"
	"errors"
)

// ExclusiveWriter runs tasks one at a time on its own goroutine (dendrite's
// sqlutil.ExclusiveWriter): Do sends the task, transaction included, and
// waits for its reply, so the transaction is used while Do still holds it.
type ExclusiveWriter struct {
	todo chan writerTask
}

type writerTask struct {
	txn  *sql.Tx
	f    func(*sql.Tx) error
	wait chan error
}

func (w *ExclusiveWriter) Do(txn *sql.Tx, f func(*sql.Tx) error) error {
	if w.todo == nil {
		return errors.New("not initialised")
	}
	task := writerTask{txn: txn, f: f, wait: make(chan error, 1)}
	w.todo <- task
	return <-task.wait
}

// The reply channel travels beside the task, in a local variable.
func (w *ExclusiveWriter) DoWithDone(txn *sql.Tx, f func(*sql.Tx) error) error {
	done := make(chan error, 1)
	w.todo <- writerTask{txn: txn, f: f, wait: done}
	return <-done
}

// Fire and forget: nobody waits for the task's reply.
func (w *ExclusiveWriter) Enqueue(txn *sql.Tx, f func(*sql.Tx) error) {
	task := writerTask{txn: txn, f: f, wait: make(chan error, 1)}
	w.todo <- task // want `transaction txn \(\*sql.Tx\), held by task, is sent on a channel`
}

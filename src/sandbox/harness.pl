# crucible's trusted in-container harness, the same in both modes (docs/security.md): a fresh
# container runs one execution with it, a reuse-mode slot many. It runs as root holding only
# CAP_SETUID, CAP_SETGID, CAP_KILL and CAP_CHOWN, and runs candidate code as the sandbox uid,
# which can neither signal, trace, write to nor re-limit it. It is perl because perl-base is
# Essential in every Debian-derived image: nothing to install. Only modules of perl-base are used.
#
# Protocol (stdin and stdout are crucible's attach stream; nothing else can write stdout):
#   out: "READY 2\n" once started.
#   in:  "RUN <payload bytes> <timeout ms> <output cap> <argv hex> <worker argv hex or ->\n"
#        <payload>  (argv: hex of the NUL-joined words)
#   out: "DONE k=v ...\n" <stdout bytes> <stderr bytes> <report bytes>, lengths in the header.
# For each RUN: kill every process but PID 1 and itself, empty the writable places, unpack the
# payload as root (owners and modes from the archive: task files read-only, hidden files the
# judge's alone), then run the command in a new session with a fresh copy of the environment:
#   - in-process: the command as the sandbox uid; its report is the file $CRUCIBLE_REPORT;
#   - split judge (a worker argv given): the command as the judge uid and the worker as the
#     sandbox uid, joined by two pipes (each reads fd 3, writes fd 4); the judge writes its
#     report to fd 5, a pipe only this harness reads.
# Enforce the timeout and the output cap, kill everything left, empty the writable places
# again, answer. stdin's end means the container is done: exit 0.
use strict;
use warnings;
use POSIX qw(:sys_wait_h setsid _exit dup2);
use Fcntl qw(O_RDONLY O_NOFOLLOW O_NONBLOCK);

my ($UID, $GID, $JUDGE, $WORK, $REPORT_CAP) = @ARGV;
my $executions = 0;
my @WRITABLE = ($WORK, '/tmp', '/dev/shm', '/dev/mqueue');
my %SLOT_ENV = %ENV;
my $REPORT = $ENV{CRUCIBLE_REPORT} // '';
binmode STDIN;
binmode STDOUT;
$| = 1;
# A SIGCHLD interrupts select(), so the end of a command is seen at once.
$SIG{CHLD} = sub { };

my $inbuf = '';

sub fill {
    while (1) {
        my $n = sysread(STDIN, $inbuf, 1 << 16, length $inbuf);
        return $n if defined $n;
        die "crucible-harness: read stdin: $!\n" unless $!{EINTR};
    }
}

sub read_line {
    while ((my $i = index($inbuf, "\n")) < 0) {
        die "crucible-harness: request header too long\n" if length $inbuf > 1 << 16;
        fill() or return undef;
    }
    my $i = index($inbuf, "\n");
    my $line = substr($inbuf, 0, $i);
    substr($inbuf, 0, $i + 1) = '';
    return $line;
}

sub read_exact {
    my ($n) = @_;
    while (length $inbuf < $n) {
        fill() or die "crucible-harness: stdin ended inside a payload\n";
    }
    my $bytes = substr($inbuf, 0, $n);
    substr($inbuf, 0, $n) = '';
    return $bytes;
}

sub now {
    open(my $fh, '<', '/proc/uptime') or die "crucible-harness: /proc/uptime: $!\n";
    my ($up) = split ' ', scalar <$fh>;
    return $up;
}

sub reap { 1 while waitpid(-1, WNOHANG) > 0 }

# How many processes live here besides PID 1 and this one (zombies do not count).
sub others {
    opendir(my $dh, '/proc') or return -1;
    my $n = 0;
    for my $pid (readdir $dh) {
        next unless $pid =~ /^\d+$/ && $pid != 1 && $pid != $$;
        open(my $fh, '<', "/proc/$pid/stat") or next;
        my $stat = <$fh> // next;
        my $state = substr($stat, rindex($stat, ')') + 2, 1);
        $n++ unless $state eq 'Z' || $state eq 'X';
    }
    return $n;
}

# Kill every process but PID 1 and this one until none is left.
sub sweep {
    for (1 .. 200) {
        kill 'KILL', -1;
        reap();
        return 1 if others() == 0;
        select(undef, undef, undef, 0.01);
    }
    return 0;
}

# Delete everything under $dir (the sandbox uid's files, made writable first).
sub empty_dir {
    my ($dir) = @_;
    opendir(my $dh, $dir) or return;
    for my $name (readdir $dh) {
        next if $name eq '.' || $name eq '..';
        my $path = "$dir/$name";
        if (-d $path && !-l $path) {
            chmod 0700, $path;
            empty_dir($path);
            rmdir $path;
        } else {
            unlink $path;
        }
    }
}

sub back_to_root {
    $> = 0;
    die "crucible-harness: cannot return to uid 0: $!\n" if $> != 0;
}

# A place this runtime does not have is empty; one that cannot be listed is not.
sub is_empty {
    my ($dir) = @_;
    return 1 unless -e $dir;
    opendir(my $dh, $dir) or return 0;
    for (readdir $dh) { return 0 unless $_ eq '.' || $_ eq '..' }
    return 1;
}

sub ipc_objects {
    my $n = 0;
    for my $kind (qw(shm sem msg)) {
        open(my $fh, '<', "/proc/sysvipc/$kind") or next;
        my @lines = <$fh>;
        $n += @lines - 1 if @lines > 1;
    }
    return $n;
}

# Empty the writable places and SysV IPC. Each identity deletes what it owns (none of them has
# CAP_DAC_OVERRIDE), a few rounds, since one's directory may hold another's files.
sub wipe {
    for (1 .. 3) {
        my @dirty = grep { !is_empty($_) } @WRITABLE;
        last unless @dirty;
        for my $uid ($UID, $JUDGE, 0) {
            $> = $uid;
            empty_dir($_) for @dirty;
            back_to_root();
        }
    }
    # Root owns the places themselves; whatever mode a candidate could not change anyway.
    chmod 01777, $WORK, '/tmp';
    if (ipc_objects()) {
        for my $uid ($UID, $JUDGE) {
            my $pid = as_user($uid, $uid, undef, sub { exec 'ipcrm', '-a' });
            waitpid($pid, 0);
        }
    }
    return !(grep { !is_empty($_) } @WRITABLE) && !ipc_objects();
}

# Fork a child that becomes `$uid` (all capabilities gone) in a new session with the slot's
# environment, and run `$body` in it. stdin and stdout are /dev/null unless given (the slot's
# stdout is crucible's channel: no child ever holds it); `%extra` maps more fds (3, 4, 5) to
# handles. Every other descriptor is close-on-exec (perl's default above fd 2).
sub as_user {
    my ($uid, $gid, $stdin, $body, $stdout, $stderr, %extra) = @_;
    my $pid = fork() // die "crucible-harness: fork: $!\n";
    return $pid if $pid;
    setsid();
    $SIG{CHLD} = 'DEFAULT';
    $) = "$gid $gid";
    POSIX::setgid($gid) or _exit(126);
    POSIX::setuid($uid) or _exit(126);
    _exit(126) if $< == 0 || $> == 0 || (split ' ', $))[0] == 0;
    %ENV = %SLOT_ENV;
    delete $ENV{CRUCIBLE_REPORT} if $extra{worker};
    $ENV{CRUCIBLE_REPORT} = '/dev/fd/5' if $extra{5};
    open(my $null, '+<', '/dev/null') or _exit(126);
    dup2(fileno($stdin // $null), 0) // _exit(126);
    dup2(fileno($stdout // $null), 1) // _exit(126);
    dup2(fileno($stderr), 2) // _exit(126) if $stderr;
    for my $fd (3, 4, 5) {
        dup2(fileno($extra{$fd}), $fd) // _exit(126) if $extra{$fd};
    }
    chdir $WORK or _exit(126);
    $body->();
    _exit(127);
}

sub as_sandbox { as_user($UID, $GID, @_) }

sub counter {
    my ($file, $key) = @_;
    open(my $fh, '<', $file) or return undef;
    while (<$fh>) {
        my ($k, $v) = split;
        return $k if !defined $key;
        return $v if $k eq $key;
    }
    return undef;
}

sub cpu_usec {
    my $v2 = counter('/sys/fs/cgroup/cpu.stat', 'usage_usec');
    return $v2 if defined $v2;
    my $ns = counter('/sys/fs/cgroup/cpuacct/cpuacct.usage');
    return defined $ns ? int($ns / 1000) : undef;
}

sub memory_peak {
    return counter('/sys/fs/cgroup/memory.peak') // counter('/sys/fs/cgroup/memory/memory.max_usage_in_bytes');
}

sub memory_now {
    return counter('/sys/fs/cgroup/memory.current') // counter('/sys/fs/cgroup/memory/memory.usage_in_bytes');
}

sub oom_kills {
    return counter('/sys/fs/cgroup/memory/memory.oom_control', 'oom_kill')
        // counter('/sys/fs/cgroup/memory.events', 'oom_kill');
}

sub delta { defined $_[0] && defined $_[1] ? $_[1] - $_[0] : '' }

# Unpack as root, keeping the archive's owners and modes (crucible sets them: task and
# candidate files root's and read-only, hidden files the judge's alone); (1) or (0, tar's
# complaint).
sub unpack_payload {
    my ($payload) = @_;
    pipe(my $r, my $w) or die "crucible-harness: pipe: $!\n";
    pipe(my $er, my $ew) or die "crucible-harness: pipe: $!\n";
    my $pid = fork() // die "crucible-harness: fork: $!\n";
    if (!$pid) {
        dup2(fileno($r), 0) // _exit(126);
        dup2(fileno($ew), 2) // _exit(126);
        chdir $WORK or _exit(126);
        exec('tar', '-xmf', '-', '-C', $WORK, '--same-owner', '--same-permissions', '--no-overwrite-dir')
            or _exit(127);
    }
    close $r;
    close $ew;
    local $SIG{PIPE} = 'IGNORE';
    syswrite($w, $payload);
    close $w;
    my $why = '';
    read($er, $why, 2000);
    close $er;
    waitpid($pid, 0);
    chmod 01777, $WORK;
    return ($? == 0, $why // '');
}

sub read_report {
    return (-1, '') if $REPORT eq '';
    $> = $UID;
    my ($len, $bytes) = (-1, '');
    # Not through a symlink, and a FIFO must not block: only a regular file counts.
    my $fh;
    if (sysopen($fh, $REPORT, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) && -f $fh) {
        $len = -s $fh;
        if ($len > $REPORT_CAP) { $len = -2 } else { local $/; $bytes = <$fh> // ''; $len = length $bytes }
    }
    back_to_root();
    return ($len, $bytes);
}

sub execute {
    my ($payload, $timeout_ms, $cap, $argv, $worker) = @_;
    my $deadline = now() + $timeout_ms / 1000;
    my $first = $executions++ == 0;
    my %r = (out => '', err => '', out_total => 0, err_total => 0, killed => 'none', rc => 125);
    return (%r, unpack => 'unclean', clean => 0) unless sweep() && wipe();
    my ($cpu0, $oom0) = (cpu_usec(), oom_kills());
    my ($unpacked, $why) = unpack_payload($payload);
    if (!$unpacked) {
        $why = substr($why, 0, $cap);
        return (%r, unpack => 'failed', err => $why, err_total => length $why, clean => wipe());
    }
    pipe(my $out_r, my $out_w) or die "crucible-harness: pipe: $!\n";
    pipe(my $err_r, my $err_w) or die "crucible-harness: pipe: $!\n";
    my $run = sub { my @a = @_; sub { exec { $a[0] } @a or print STDERR "crucible: cannot run `$a[0]`: $!\n" } };
    my ($pid, $report_r);
    my %open = (out => $out_r, err => $err_r);
    if ($worker) {
        pipe(my $to_worker_r, my $to_worker_w) or die "crucible-harness: pipe: $!\n";
        pipe(my $to_judge_r, my $to_judge_w) or die "crucible-harness: pipe: $!\n";
        pipe($report_r, my $report_w) or die "crucible-harness: pipe: $!\n";
        as_sandbox(undef, $run->(@$worker), $out_w, $err_w, 3 => $to_worker_r, 4 => $to_judge_w, worker => 1);
        $pid = as_user($JUDGE, $JUDGE, undef, $run->(@$argv), $out_w, $err_w,
            3 => $to_judge_r, 4 => $to_worker_w, 5 => $report_w);
        close $_ for $to_worker_r, $to_worker_w, $to_judge_r, $to_judge_w, $report_w;
        $open{report} = $report_r;
        $r{report} = '';
        $r{report_total} = 0;
    } else {
        $pid = as_sandbox(undef, $run->(@$argv), $out_w, $err_w);
    }
    close $out_w;
    close $err_w;
    my $status;
    my $peak = memory_now() // 0;
    my $take = sub {
        my ($name, $fh) = @_;
        my $n = sysread($fh, my $chunk, 1 << 16);
        return if !defined $n && $!{EINTR};
        if (!$n) { delete $open{$name}; return }
        $r{"${name}_total"} += $n;
        my $limit = $name eq 'report' ? $REPORT_CAP : $cap;
        my $room = $limit - length $r{$name};
        $r{$name} .= substr($chunk, 0, $room) if $room > 0;
        $r{killed} = 'output' if $name ne 'report' && $r{"${name}_total"} > $cap;
    };
    while (1) {
        if (waitpid($pid, WNOHANG) == $pid) { $status = $?; last }
        my $left = $deadline - now();
        if ($left <= 0) { $r{killed} = 'timeout'; last }
        my $now = memory_now() // 0;
        $peak = $now if $now > $peak;
        my $rin = '';
        vec($rin, fileno($open{$_}), 1) = 1 for keys %open;
        my $ready = select(my $rout = $rin, undef, undef, $left < 0.05 ? $left : 0.05);
        next unless $ready && $ready > 0;
        for my $name (keys %open) {
            $take->($name, $open{$name}) if vec($rout, fileno($open{$name}), 1);
        }
        last if $r{killed} ne 'none';
    }
    if (!defined $status) {
        kill 'KILL', -1;
        waitpid($pid, 0);
        $status = $?;
    }
    my $swept = sweep();
    # Whatever the swept processes wrote before they died, up to the caps.
    while ($swept && %open && $r{killed} eq 'none') {
        $take->($_, $open{$_}) for keys %open;
    }
    $r{rc} = WIFSIGNALED($status) ? 128 + WTERMSIG($status) : WEXITSTATUS($status);
    my ($cpu1, $oom1) = (cpu_usec(), oom_kills());
    # A fresh container's cgroup high-water mark is this execution's; a slot's spans its life,
    # so there the peak is the highest usage sampled while the command ran.
    my $mem = $first ? memory_peak() : $peak;
    my ($report_len, $report);
    if ($worker) {
        ($report_len, $report) = ($r{report_total} > $REPORT_CAP ? -2 : length $r{report}, $r{report});
        ($report_len, $report) = (-1, '') if $r{report_total} == 0;
        $report = '' if $report_len < 0;
    } else {
        ($report_len, $report) = read_report();
    }
    return (%r, unpack => 'ok', cpu_usec => delta($cpu0, $cpu1), oom_kills => delta($oom0, $oom1),
        mem_peak => $mem // '', report_len => $report_len, report => $report,
        clean => ($swept && wipe()) ? 1 : 0);
}

print "READY 2\n";
while (defined(my $line = read_line())) {
    my ($verb, $len, $timeout_ms, $cap, $argv_hex, $worker_hex) = split ' ', $line;
    die "crucible-harness: unknown request `$line`\n"
        unless ($verb // '') eq 'RUN' && defined $worker_hex && "$len$timeout_ms$cap" =~ /^\d+$/;
    my @argv = split /\0/, pack('H*', $argv_hex), -1;
    my $worker = $worker_hex eq '-' ? undef : [split /\0/, pack('H*', $worker_hex), -1];
    my %r = execute(read_exact($len), $timeout_ms, $cap, \@argv, $worker);
    my $report = $r{report} // '';
    print join(' ', 'DONE', (map { "$_=" . ($r{$_} // '') } qw(rc cpu_usec mem_peak oom_kills killed unpack clean out_total err_total)),
        'report_len=' . ($r{report_len} // -1), 'out=' . length($r{out}), 'err=' . length($r{err}),
        'report=' . length($report)), "\n", $r{out}, $r{err}, $report;
}
exit 0;

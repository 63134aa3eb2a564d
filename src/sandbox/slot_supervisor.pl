# The supervisor of a reuse-mode slot container (docs/reuse-mode.md). It runs as root holding
# only CAP_SETUID, CAP_SETGID and CAP_KILL, and runs every execution as the sandbox uid, which
# can neither signal, trace nor re-limit it. It is perl because perl-base is Essential in every
# Debian-derived image: nothing to install. Only modules of perl-base are used.
#
# Protocol (stdin and stdout are crucible's attach stream; nothing else can write stdout):
#   out: "READY 1\n" once started.
#   in:  "RUN <payload bytes> <timeout ms> <output cap> <argv, hex of NUL-joined>\n" <payload>
#   out: "DONE k=v ...\n" <stdout bytes> <stderr bytes> <report bytes>, lengths in the header.
# For each RUN: kill every process but PID 1 and itself, empty the writable places, unpack the
# payload as the sandbox uid, run the command in a new session as the sandbox uid with a fresh
# copy of the slot's environment, enforce the timeout and the output cap, kill everything it
# left, read the report, empty the writable places again, answer.
use strict;
use warnings;
use POSIX qw(:sys_wait_h setsid _exit dup2);
use Fcntl qw(O_RDONLY O_NOFOLLOW O_NONBLOCK);

my ($UID, $GID, $WORK, $REPORT_CAP) = @ARGV;
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
        die "crucible-slot: read stdin: $!\n" unless $!{EINTR};
    }
}

sub read_line {
    while ((my $i = index($inbuf, "\n")) < 0) {
        die "crucible-slot: request header too long\n" if length $inbuf > 1 << 16;
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
        fill() or die "crucible-slot: stdin ended inside a payload\n";
    }
    my $bytes = substr($inbuf, 0, $n);
    substr($inbuf, 0, $n) = '';
    return $bytes;
}

sub now {
    open(my $fh, '<', '/proc/uptime') or die "crucible-slot: /proc/uptime: $!\n";
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
    die "crucible-slot: cannot return to uid 0: $!\n" if $> != 0;
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

# Empty the writable places and SysV IPC, as the sandbox uid (whose files they are).
sub wipe {
    my @dirty = grep { !is_empty($_) } @WRITABLE;
    if (@dirty) {
        $> = $UID;
        # /work is the sandbox uid's own: undo whatever mode the candidate gave it.
        chmod 0755, $WORK;
        empty_dir($_) for @dirty;
        back_to_root();
    }
    if (ipc_objects()) {
        my $pid = as_sandbox(undef, sub { exec 'ipcrm', '-a' });
        waitpid($pid, 0);
    }
    return !(grep { !is_empty($_) } @WRITABLE) && !ipc_objects();
}

# Fork a child that becomes the sandbox uid (all capabilities gone) in a new session with the
# slot's environment, and run `$body` in it. stdin and stdout are /dev/null unless given (the
# slot's stdout is crucible's channel: no child ever holds it).
sub as_sandbox {
    my ($stdin, $body, $stdout, $stderr) = @_;
    my $pid = fork() // die "crucible-slot: fork: $!\n";
    return $pid if $pid;
    setsid();
    $SIG{CHLD} = 'DEFAULT';
    $) = "$GID $GID";
    POSIX::setgid($GID) or _exit(126);
    POSIX::setuid($UID) or _exit(126);
    _exit(126) if $< == 0 || $> == 0 || (split ' ', $))[0] == 0;
    %ENV = %SLOT_ENV;
    open(my $null, '+<', '/dev/null') or _exit(126);
    dup2(fileno($stdin // $null), 0) // _exit(126);
    dup2(fileno($stdout // $null), 1) // _exit(126);
    dup2(fileno($stderr), 2) // _exit(126) if $stderr;
    chdir $WORK or _exit(126);
    $body->();
    _exit(127);
}

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

sub oom_kills {
    return counter('/sys/fs/cgroup/memory/memory.oom_control', 'oom_kill')
        // counter('/sys/fs/cgroup/memory.events', 'oom_kill');
}

sub delta { defined $_[0] && defined $_[1] ? $_[1] - $_[0] : '' }

# Unpack as the sandbox uid; (1) or (0, tar's complaint).
sub unpack_payload {
    my ($payload) = @_;
    pipe(my $r, my $w) or die "crucible-slot: pipe: $!\n";
    my $pid = as_sandbox($r, sub {
        open(STDERR, '>', '/tmp/.crucible-unpack');
        exec 'tar', '-xmof', '-', '-C', $WORK;
    });
    close $r;
    local $SIG{PIPE} = 'IGNORE';
    syswrite($w, $payload);
    close $w;
    waitpid($pid, 0);
    my ($ok, $why) = ($? == 0, '');
    if (!$ok && open(my $fh, '<', '/tmp/.crucible-unpack')) {
        read($fh, $why, 2000);
    }
    unlink '/tmp/.crucible-unpack';
    return ($ok, $why // '');
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
    my ($payload, $timeout_ms, $cap, @argv) = @_;
    my $deadline = now() + $timeout_ms / 1000;
    my %r = (out => '', err => '', out_total => 0, err_total => 0, killed => 'none', rc => 125);
    return (%r, unpack => 'unclean', clean => 0) unless sweep() && wipe();
    my ($cpu0, $oom0) = (cpu_usec(), oom_kills());
    my ($unpacked, $why) = unpack_payload($payload);
    if (!$unpacked) {
        $why = substr($why, 0, $cap);
        return (%r, unpack => 'failed', err => $why, err_total => length $why, clean => wipe());
    }
    pipe(my $out_r, my $out_w) or die "crucible-slot: pipe: $!\n";
    pipe(my $err_r, my $err_w) or die "crucible-slot: pipe: $!\n";
    my $pid = as_sandbox(undef, sub {
        exec { $argv[0] } @argv or print STDERR "crucible: cannot run `$argv[0]`: $!\n";
    }, $out_w, $err_w);
    close $out_w;
    close $err_w;
    my %open = (out => $out_r, err => $err_r);
    my $status;
    my $take = sub {
        my ($name, $fh) = @_;
        my $n = sysread($fh, my $chunk, 1 << 16);
        return if !defined $n && $!{EINTR};
        if (!$n) { delete $open{$name}; return }
        $r{"${name}_total"} += $n;
        my $room = $cap - length $r{$name};
        $r{$name} .= substr($chunk, 0, $room) if $room > 0;
        $r{killed} = 'output' if $r{"${name}_total"} > $cap;
    };
    while (1) {
        if (waitpid($pid, WNOHANG) == $pid) { $status = $?; last }
        my $left = $deadline - now();
        if ($left <= 0) { $r{killed} = 'timeout'; last }
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
    # Whatever the swept processes wrote before they died, up to the cap.
    while ($swept && %open && $r{killed} eq 'none') {
        $take->($_, $open{$_}) for keys %open;
    }
    $r{rc} = WIFSIGNALED($status) ? 128 + WTERMSIG($status) : WEXITSTATUS($status);
    my ($cpu1, $oom1) = (cpu_usec(), oom_kills());
    my ($report_len, $report) = read_report();
    return (%r, unpack => 'ok', cpu_usec => delta($cpu0, $cpu1), oom_kills => delta($oom0, $oom1),
        report_len => $report_len, report => $report, clean => ($swept && wipe()) ? 1 : 0);
}

print "READY 1\n";
while (defined(my $line = read_line())) {
    my ($verb, $len, $timeout_ms, $cap, $argv_hex) = split ' ', $line;
    die "crucible-slot: unknown request `$line`\n"
        unless ($verb // '') eq 'RUN' && defined $argv_hex && "$len$timeout_ms$cap" =~ /^\d+$/;
    my @argv = split /\0/, pack('H*', $argv_hex), -1;
    my %r = execute(read_exact($len), $timeout_ms, $cap, @argv);
    my $report = $r{report} // '';
    print join(' ', 'DONE', (map { "$_=" . ($r{$_} // '') } qw(rc cpu_usec oom_kills killed unpack clean out_total err_total)),
        'report_len=' . ($r{report_len} // -1), 'out=' . length($r{out}), 'err=' . length($r{err}),
        'report=' . length($report)), "\n", $r{out}, $r{err}, $report;
}

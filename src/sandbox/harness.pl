# crucible's trusted in-container harness, the same in both modes (docs/security.md): a fresh
# container runs one execution with it, a reuse-mode slot many. It runs as root holding only
# CAP_SETUID, CAP_SETGID, CAP_KILL and CAP_CHOWN, and runs candidate code as the sandbox uid,
# which can neither signal, trace, write to nor re-limit it. It is perl because perl-base is
# Essential in every Debian-derived image: nothing to install. Only modules of perl-base are used.
#
# Protocol (stdin and stdout are crucible's attach stream; nothing else can write stdout):
#   out: "READY 4\n" once started.
#   in:  "RUN <payload bytes> <timeout ms> <output cap> <argv hex> <worker argv hex or ->
#        <python hex or ->\n" <payload>  (argv: hex of the NUL-joined words; python, when the
#        command is `python3 [-I] -m <module> …` or `python3 [-I] <script> …`: flags, kind (m or
#        s), target and arguments, which a reuse slot may run through its Python forkserver)
#   in:  "CASES <payload bytes> <timeout ms> <output cap> <plan bytes> <ask 0|1>\n" <payload> <plan>
#        (the plan: "build <list>", "run <list>", then per case
#        "case <timeout ms> <stdin path list> <args list> <inputs list> <outputs list>", each
#        list "<count>:<hex>,<hex>…"; inputs alternate destination and payload source)
#   out: per case of CASES, "CASE k=v ...\n" <stdout> <stderr>, then per declared output file
#        "FILE <path hex> <length, -1 missing, -2 too large>\n" <bytes>; with ask=1 crucible
#        answers each CASE with "GO\n" or "STOP\n".
#   out: "DONE k=v ...\n" <stdout bytes> <stderr bytes> <report bytes>, lengths in the header.
# For each request: kill every process but PID 1 and itself, empty the writable places, unpack the
# payload as root (owners and modes from the archive: task files read-only, hidden files the
# judge's alone), then run the command in a new session with a fresh copy of the environment:
#   - in-process: the command as the sandbox uid; its report is the file $CRUCIBLE_REPORT;
#   - split judge (a worker argv given): the command as the judge uid and the worker as the
#     sandbox uid, joined by two pipes (each reads fd 3, writes fd 4); the judge writes its
#     report to fd 5, a pipe only this harness reads.
#   - cases: the build once as the sandbox uid (its outputs then handed to root, read-only), then
#     each case as a fresh process of the run command with the case's args, stdin from its
#     root-owned input file, its own deadline and the output cap; after each case every process
#     is killed, its declared output files are read (as the sandbox uid, bounded), and its input
#     files and whatever the candidate created are deleted. The expected outputs never come here.
# Enforce the timeout and the output cap, kill everything left, empty the writable places
# again, answer. stdin's end means the container is done: exit 0.
use strict;
use warnings;
use POSIX qw(:sys_wait_h setsid _exit dup2);
use Fcntl qw(O_RDONLY O_WRONLY O_CREAT O_EXCL O_NOFOLLOW O_NONBLOCK F_GETFL F_SETFL F_DUPFD);

my ($UID, $GID, $JUDGE, $WORK, $REPORT_CAP, $FORKSERVER) = @ARGV;
# Running Python forkservers (forkserver.py), by interpreter flags: {pid, to, from, out, err, buf}.
my %FS;
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
        next unless $pid =~ /^\d+$/ && $pid != 1 && $pid != $$ && !forkserver_pid($pid);
        open(my $fh, '<', "/proc/$pid/stat") or next;
        my $stat = <$fh> // next;
        my $state = substr($stat, rindex($stat, ')') + 2, 1);
        $n++ unless $state eq 'Z' || $state eq 'X';
    }
    return $n;
}

sub forkserver_pid {
    my ($pid) = @_;
    return scalar grep { $_->{pid} == $pid } values %FS;
}

# Kill every process but PID 1 and this one (and the forkservers). kill(-1) as root would take
# the forkservers too, so while one runs every process of the sandbox and the judge uid is
# killed by a helper that is that uid alone (kill(-1) reaches exactly its uid's processes),
# and anything else by pid.
sub kill_all {
    return kill 'KILL', -1 unless %FS;
    for ([$UID, $GID], [$JUDGE, $JUDGE]) {
        my ($uid, $gid) = @$_;
        my $pid = fork() // die "crucible-harness: fork: $!\n";
        if (!$pid) {
            $) = "$gid $gid";
            POSIX::setgid($gid) or _exit(126);
            POSIX::setuid($uid) or _exit(126);
            _exit(126) if $< == 0 || $> == 0;
            kill 'KILL', -1;
            _exit(0);
        }
        waitpid($pid, 0);
    }
    opendir(my $dh, '/proc') or return;
    my @rest = grep { /^\d+$/ && $_ != 1 && $_ != $$ && !forkserver_pid($_) } readdir $dh;
    kill 'KILL', @rest if @rest;
}

# Kill every process but PID 1 and this one until none is left.
sub sweep {
    for (1 .. 200) {
        # With a forkserver, killing costs two forks: only when something is there to kill.
        return 1 if %FS && others() == 0;
        kill_all();
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

# An execution's peak memory from the cgroup's high-water mark before ($hw0) and after it, and the
# highest usage sampled (every 50 ms) while its commands ran. The mark is exact for a fresh
# container's only execution, and for a slot's whenever this execution raised it; a slot cannot
# reset it (v1's max_usage_in_bytes and v2's memory.peak are read-only in the container), so when
# an earlier execution set it higher, the sample is what there is. Kernels before 5.19 have no
# memory.peak on cgroup v2: the sample then too.
sub execution_peak {
    my ($first, $hw0, $sampled) = @_;
    my $hw1 = memory_peak();
    return $hw1 if defined $hw1 && ($first || (defined $hw0 && $hw1 > $hw0));
    return $sampled || undef;
}

# Unpack as root, keeping the archive's owners and modes (crucible sets them: task and
# candidate files root's and read-only, hidden files the judge's alone); (1) or (0, the
# complaint). A payload as crucible builds it is written here (starting tar costs a fork and an
# exec, ~2-3 ms, per execution); anything else goes to tar, as it always did.
sub unpack_payload {
    my ($payload) = @_;
    my $files = plain_files($payload);
    return write_files($files) if $files;
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

sub octal { my ($f) = @_; return $f =~ /^ *([0-7]{1,12})[ \0]*\z/ ? oct($1) : undef }

# The files of a tar archive as `Payload::from_layers` makes it: regular files (GNU or POSIX
# headers, GNU long names) with numeric owners, no special mode bits, relative paths without
# `.`, `..` or empty components, no path twice, no file where another needs a directory. undef
# for anything else (directories, links, pax headers, owner names, a bad checksum...): tar's.
sub plain_files {
    my ($tar) = @_;
    my ($pos, $long, @files, %file, %dir) = (0, undef);
    while (1) {
        return undef if $pos + 512 > length $tar;
        my $h = substr($tar, $pos, 512);
        last if $h =~ /\A\0{512}\z/;
        my ($name, $mode, $uid, $gid, $size, $sum, $type, $magic, $owners, $prefix) =
            unpack('a100 a8 a8 a8 a12 x12 a8 a1 x100 a8 a64 x16 a155', $h);
        my $want = octal($sum) // return undef;
        return undef if unpack('%32C*', substr($h, 0, 148) . (' ' x 8) . substr($h, 156)) != $want;
        return undef if $owners =~ /[^\0]/;
        ($mode, $uid, $gid, $size) = map { octal($_) // return undef } $mode, $uid, $gid, $size;
        my $data_at = $pos + 512;
        return undef if $data_at + $size > length $tar;
        $pos = $data_at + (($size + 511) & ~511);
        if ($type eq 'L' && $magic eq "ustar  \0") {
            return undef if defined $long;
            ($long) = unpack('Z*', substr($tar, $data_at, $size));
            next;
        }
        return undef unless $type eq '0' || $type eq "\0";
        ($name) = unpack('Z*', $name);
        if ($magic eq "ustar  \0") {
            $name = $long if defined $long;
        } elsif ($magic eq "ustar\x{0}00") {
            return undef if defined $long;
            ($prefix) = unpack('Z*', $prefix);
            $name = "$prefix/$name" if length $prefix;
        } else {
            return undef;
        }
        undef $long;
        return undef if $mode & ~0777;
        my @parts = split m{/}, $name, -1;
        return undef if !@parts || grep { $_ eq '' || $_ eq '.' || $_ eq '..' || /\0/ } @parts;
        return undef if $file{$name} || $dir{$name};
        $file{$name} = 1;
        for my $i (0 .. $#parts - 1) {
            my $d = join('/', @parts[0 .. $i]);
            return undef if $file{$d};
            $dir{$d} = 1;
        }
        push @files, [$name, $mode, $uid, $gid, $data_at, $size];
    }
    return undef if defined $long;
    return { tar => \$tar, files => \@files };
}

# Write what plain_files found: parent directories as tar makes them (root's, 0777 less the
# umask), each file created (never through a link), filled, then given its mode and owner.
sub write_files {
    my ($p) = @_;
    my %made;
    for my $f (@{$p->{files}}) {
        my ($name, $mode, $uid, $gid, $at, $size) = @$f;
        my @parts = split m{/}, $name;
        pop @parts;
        my $dir = $WORK;
        for my $part (@parts) {
            $dir .= "/$part";
            next if $made{$dir}++;
            mkdir $dir, 0777 or return (0, "crucible-harness: unpack: cannot make directory $dir: $!\n");
        }
        my $path = "$WORK/$name";
        sysopen(my $fh, $path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600)
            or return (0, "crucible-harness: unpack: cannot create $path: $!\n");
        my $done = 0;
        while ($done < $size) {
            my $n = syswrite($fh, ${$p->{tar}}, $size - $done, $at + $done)
                // return (0, "crucible-harness: unpack: cannot write $path: $!\n");
            $done += $n;
        }
        # The mode first: root without CAP_FOWNER cannot change it once the file is another's.
        chmod $mode, $fh or return (0, "crucible-harness: unpack: cannot chmod $path: $!\n");
        chown $uid, $gid, $fh or return (0, "crucible-harness: unpack: cannot chown $path: $!\n");
        close $fh or return (0, "crucible-harness: unpack: cannot write $path: $!\n");
    }
    chmod 01777, $WORK;
    return (1, '');
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

sub rc_of { WIFSIGNALED($_[0]) ? 128 + WTERMSIG($_[0]) : WEXITSTATUS($_[0]) }

# The body of a child that execs argv (as_user's caller has set the identity).
sub runner { my @a = @_; sub { exec { $a[0] } @a or print STDERR "crucible: cannot run `$a[0]`: $!\n" } }

# Wait for $pid, reading the pipes of %$open into %$r (stdout/stderr capped at $cap, a report at
# $REPORT_CAP), until it exits, the deadline passes (killed=timeout) or the output cap is passed
# (killed=output); then kill everything left and take what the dead wrote.
# (wait status, whether the sweep emptied /proc, highest memory usage sampled).
# With $fs, $pid is the forkserver's child: its end comes as the forkserver's EXIT line, and the
# pipes are the forkserver's, never at their end: drained once the sweep left no writer.
sub supervise {
    my ($pid, $open, $deadline, $cap, $r, $fs) = @_;
    my $status;
    my $peak = memory_now() // 0;
    my $take = sub {
        my ($name, $fh, $draining) = @_;
        my $n = sysread($fh, my $chunk, 1 << 16);
        if (!defined $n) {
            delete $open->{$name} if $draining && $!{EAGAIN};
            return;
        }
        if (!$n) { delete $open->{$name}; return }
        $r->{"${name}_total"} += $n;
        my $limit = $name eq 'report' ? $REPORT_CAP : $cap;
        my $room = $limit - length $r->{$name};
        $r->{$name} .= substr($chunk, 0, $room) if $room > 0;
        $r->{killed} = 'output' if $name ne 'report' && $r->{"${name}_total"} > $cap;
    };
    while (1) {
        if ($fs) {
            my $exit = fs_exit($fs, 0);
            if (defined $exit) { $status = $exit; last }
            if (!$fs->{pid}) { $status = 9; last }
        } elsif (waitpid($pid, WNOHANG) == $pid) { $status = $?; last }
        my $left = $deadline - now();
        if ($left <= 0) { $r->{killed} = 'timeout'; last }
        my $now = memory_now() // 0;
        $peak = $now if $now > $peak;
        my $rin = '';
        vec($rin, fileno($open->{$_}), 1) = 1 for keys %$open;
        vec($rin, fileno($fs->{from}), 1) = 1 if $fs;
        my $ready = select(my $rout = $rin, undef, undef, $left < 0.05 ? $left : 0.05);
        next unless $ready && $ready > 0;
        for my $name (keys %$open) {
            $take->($name, $open->{$name}) if vec($rout, fileno($open->{$name}), 1);
        }
        last if $r->{killed} ne 'none';
    }
    if (!defined $status) {
        kill_all();
        if ($fs) {
            # The forkserver reaps its child; one that does not say so is stopped (SIGKILL).
            $status = fs_exit($fs, 10) // 9;
        } else {
            waitpid($pid, 0);
            $status = $?;
        }
    }
    my $swept = sweep();
    # Whatever the swept processes wrote before they died, up to the caps.
    while ($swept && %$open && $r->{killed} eq 'none') {
        $take->($_, $open->{$_}, 1) for keys %$open;
    }
    return ($status, $swept, $peak);
}

# The Python forkserver (forkserver.py) of a reuse slot, one per interpreter flags ('' or -I),
# started at the first execution that can use it, while no process of the candidate's lives and
# before its payload is unpacked: root with the harness's capabilities, cwd /, the slot's
# environment. Candidates cannot signal, trace or open it (another uid); the sweep spares it.
my %FS_FAILED;

sub forkserver {
    my ($flags) = @_;
    return $FS{$flags} if $FS{$flags};
    return undef if $FS_FAILED{$flags} || !($FORKSERVER // '') || ($flags ne '' && $flags ne '-I');
    # `sh -c` would look python3 up in a relative PATH entry (the work directory): not here.
    my @path = split /:/, ($SLOT_ENV{PATH} // ''), -1;
    if (!@path || (grep { !m{^/} } @path) || "$UID$GID" !~ /^\d+$/) {
        $FS_FAILED{$flags} = 1;
        return undef;
    }
    my @p;
    for (1 .. 4) { pipe(my $r, my $w) or die "crucible-harness: pipe: $!\n"; push @p, $r, $w }
    my ($to_r, $to_w, $from_r, $from_w, $out_r, $out_w, $err_r, $err_w) = @p;
    my $pid = fork() // die "crucible-harness: fork: $!\n";
    if (!$pid) {
        # Out of the way of 0..4 first, then into place.
        my @fds = map { fcntl($_, F_DUPFD, 20) // _exit(126) } $to_r, $from_w, $out_w, $err_w;
        my @to = (0, 1, 3, 4);
        dup2($fds[$_], $to[$_]) // _exit(126) for 0 .. 3;
        POSIX::close($_) for @fds;
        $SIG{CHLD} = 'DEFAULT';
        chdir '/' or _exit(126);
        %ENV = %SLOT_ENV;
        exec { 'python3' } 'python3', ($flags eq '' ? () : $flags), '-c', $FORKSERVER, $WORK
            or _exit(127);
    }
    close $_ for $to_r, $from_w, $out_w, $err_w;
    for my $fh ($out_r, $err_r) {
        my $fl = fcntl($fh, F_GETFL, 0) // die "crucible-harness: fcntl: $!\n";
        fcntl($fh, F_SETFL, $fl | O_NONBLOCK) // die "crucible-harness: fcntl: $!\n";
    }
    my $fs = { flags => $flags, pid => $pid, to => $to_w, from => $from_r, out => $out_r,
        err => $err_r, buf => '' };
    $FS{$flags} = $fs;
    my $ready = fs_line($fs, 8);
    return $fs if defined $ready && $ready eq 'READY';
    print STDERR "crucible-harness: the Python forkserver did not start; executions run without it\n";
    fs_stop($fs);
    $FS_FAILED{$flags} = 1;
    return undef;
}

# Have the forkserver import pytest (once), here, where no process of the candidate's lives and
# the writable places are empty; the forkserver, or undef when it did not (it is then stopped and
# not started again in this slot: the command runs without it).
sub fs_preload {
    my ($fs, $module) = @_;
    return $fs if $fs->{preloaded}{$module};
    local $SIG{PIPE} = 'IGNORE';
    my $line = syswrite($fs->{to}, "PRELOAD $module\n") ? fs_line($fs, 10) : undef;
    if (defined $line && $line eq 'OK') {
        $fs->{preloaded}{$module} = 1;
        return $fs;
    }
    print STDERR "crucible-harness: the Python forkserver did not preload $module; executions run without it\n";
    $FS_FAILED{$fs->{flags}} = 1;
    fs_stop($fs);
    return undef;
}

sub fs_stop {
    my ($fs) = @_;
    return unless $fs->{pid};
    kill 'KILL', $fs->{pid};
    waitpid($fs->{pid}, 0);
    $fs->{pid} = 0;
    delete $FS{$fs->{flags}};
}

# The forkserver's next line within $timeout seconds; undef when none (it is stopped if its
# stream ended).
sub fs_line {
    my ($fs, $timeout) = @_;
    my $until = now() + $timeout;
    while (1) {
        my $i = index($fs->{buf}, "\n");
        if ($i >= 0) {
            my $line = substr($fs->{buf}, 0, $i);
            substr($fs->{buf}, 0, $i + 1) = '';
            return $line;
        }
        return undef unless $fs->{pid};
        my $left = $until - now();
        $left = 0 if $left < 0;
        my $rin = '';
        vec($rin, fileno($fs->{from}), 1) = 1;
        my $ready = select(my $rout = $rin, undef, undef, $left);
        if ($ready && $ready > 0) {
            my $n = sysread($fs->{from}, $fs->{buf}, 4096, length $fs->{buf});
            next if !defined $n && $!{EINTR};
            if (!$n || length $fs->{buf} > 4096) { fs_stop($fs); return undef }
            next;
        }
        return undef if $left <= 0;
    }
}

# The wait status of the forkserver's child, when it says so within $timeout seconds.
sub fs_exit {
    my ($fs, $timeout) = @_;
    my $line = fs_line($fs, $timeout) // return undef;
    return $1 if $line =~ /^EXIT (\d+)$/;
    fs_stop($fs);
    return undef;
}

# Have the forkserver fork the candidate's process for [kind, target, args...]; its pid, or
# undef (the forkserver is then stopped, and the command runs without it).
sub fs_fork {
    my ($fs, $spec) = @_;
    # Nothing is alive to write the pipes: whatever is left in them is stale.
    for my $fh ($fs->{out}, $fs->{err}) { 1 while (sysread($fh, my $junk, 1 << 16) // 0) > 0 }
    local $SIG{PIPE} = 'IGNORE';
    my $request = "FORK $UID $GID " . unpack('H*', join("\0", @$spec)) . "\n";
    if (!syswrite($fs->{to}, $request)) { fs_stop($fs); return undef }
    my $line = fs_line($fs, 10);
    return $1 if defined $line && $line =~ /^PID (\d+)$/;
    fs_stop($fs);
    return undef;
}

sub execute {
    my ($payload, $timeout_ms, $cap, $argv, $worker, $py) = @_;
    my $deadline = now() + $timeout_ms / 1000;
    my $first = $executions++ == 0;
    my %r = (out => '', err => '', out_total => 0, err_total => 0, killed => 'none', rc => 125);
    return (%r, unpack => 'unclean', clean => 0) unless sweep() && wipe();
    # A forkserver's start is the slot's, not the execution's time.
    my $t0 = now();
    my $fs = $py && !$worker ? forkserver($py->[0]) : undef;
    $fs = fs_preload($fs, 'pytest') if $fs && $py->[1] eq 'm' && $py->[2] eq 'pytest';
    $deadline += now() - $t0;
    my ($cpu0, $oom0, $hw0) = (cpu_usec(), oom_kills(), memory_peak());
    my ($unpacked, $why) = unpack_payload($payload);
    if (!$unpacked) {
        $why = substr($why, 0, $cap);
        return (%r, unpack => 'failed', err => $why, err_total => length $why, clean => wipe());
    }
    pipe(my $out_r, my $out_w) or die "crucible-harness: pipe: $!\n";
    pipe(my $err_r, my $err_w) or die "crucible-harness: pipe: $!\n";
    my ($pid, $report_r);
    my %open = (out => $out_r, err => $err_r);
    if ($worker) {
        pipe(my $to_worker_r, my $to_worker_w) or die "crucible-harness: pipe: $!\n";
        pipe(my $to_judge_r, my $to_judge_w) or die "crucible-harness: pipe: $!\n";
        pipe($report_r, my $report_w) or die "crucible-harness: pipe: $!\n";
        # The judge opens its report by path (/dev/fd/5), which checks the pipe's owner.
        chown $JUDGE, $JUDGE, $report_w or die "crucible-harness: chown report pipe: $!\n";
        as_sandbox(undef, runner(@$worker), $out_w, $err_w, 3 => $to_worker_r, 4 => $to_judge_w, worker => 1);
        $pid = as_user($JUDGE, $JUDGE, undef, runner(@$argv), $out_w, $err_w,
            3 => $to_judge_r, 4 => $to_worker_w, 5 => $report_w);
        close $_ for $to_worker_r, $to_worker_w, $to_judge_r, $to_judge_w, $report_w;
        $open{report} = $report_r;
        $r{report} = '';
        $r{report_total} = 0;
    } elsif ($fs && defined($pid = fs_fork($fs, [@$py[1 .. $#$py]]))) {
        %open = (out => $fs->{out}, err => $fs->{err});
    } else {
        $fs = undef;
        $pid = as_sandbox(undef, runner(@$argv), $out_w, $err_w);
    }
    close $out_w;
    close $err_w;
    my ($status, $swept, $peak) = supervise($pid, \%open, $deadline, $cap, \%r, $fs);
    $r{rc} = rc_of($status);
    my ($cpu1, $oom1) = (cpu_usec(), oom_kills());
    my $mem = execution_peak($first, $hw0, $peak);
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

# A list in a CASES plan: "<count>:" then the hex of each word, comma-separated.
sub words {
    my ($field) = @_;
    my ($n, $items) = ($field // '') =~ /^(\d+):([0-9a-fA-F,]*)$/
        or die "crucible-harness: bad list `" . ($field // '') . "` in a CASES plan\n";
    return () if $n == 0;
    my @w = map { pack('H*', $_) } ($items eq '' ? ('') : split(/,/, $items, -1));
    die "crucible-harness: a CASES list says $n words but holds " . @w . "\n" unless @w == $n;
    return @w;
}

# build <list> / run <list> / case <timeout ms> <stdin list> <args list> <inputs list> <outputs list>
sub parse_plan {
    my ($text) = @_;
    my %plan = (cases => []);
    for my $line (split /\n/, $text) {
        my ($kind, @f) = split / /, $line;
        if ($kind eq 'build') { $plan{build} = [words($f[0])] }
        elsif ($kind eq 'run') { $plan{run} = [words($f[0])] }
        elsif ($kind eq 'case' && ($f[0] // '') =~ /^\d+$/) {
            my ($stdin) = words($f[1]);
            push @{$plan{cases}}, { timeout_ms => $f[0], stdin => $stdin, args => [words($f[2])],
                inputs => [words($f[3])], outputs => [words($f[4])] };
        }
        else { die "crucible-harness: bad CASES plan line `$line`\n" }
    }
    die "crucible-harness: a CASES plan without `run`\n" unless $plan{run} && @{$plan{run}};
    return \%plan;
}

# Hand the build's outputs to root, read-only to everyone else: no case can change what the next
# one runs. Symlinks stay as they are (chown would follow them).
sub freeze {
    my ($dir) = @_;
    opendir(my $dh, $dir) or return;
    for my $name (readdir $dh) {
        next if $name eq '.' || $name eq '..';
        my $path = "$dir/$name";
        my @st = lstat $path or next;
        next if -l _;
        if ($st[4] == $UID) {
            chown 0, 0, $path;
            chmod $st[2] & 0755, $path;
        }
        freeze($path) if -d _;
    }
}

# Put a case's input files in place as root, read-only; the paths made, deepest last.
sub place_inputs {
    my (@pairs) = @_;
    my @made;
    while (my ($dest, $src) = splice(@pairs, 0, 2)) {
        my $path = $WORK;
        my @parts = split m{/}, $dest;
        my $leaf = pop @parts;
        for my $part (@parts) {
            $path .= "/$part";
            next if -d $path && !-l $path;
            mkdir $path, 0755 or return (0, "cannot make directory $path: $!", @made);
            push @made, $path;
        }
        $path .= "/$leaf";
        unlink $path;
        open(my $in, '<', "$WORK/$src") or return (0, "cannot read input $src: $!", @made);
        sysopen(my $out, $path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644)
            or return (0, "cannot write input $dest: $!", @made);
        push @made, $path;
        binmode $in;
        local $/;
        print {$out} (<$in> // '');
        close $out or return (0, "cannot write input $dest: $!", @made);
    }
    return (1, '', @made);
}

# After a case: its inputs (root's) and everything the candidate made go; the candidate can only
# have written at the top of the writable places (everything below is root's and read-only).
sub clean_case {
    my (@made) = @_;
    for my $path (reverse @made) { -d $path && !-l $path ? rmdir $path : unlink $path }
    $> = $UID;
    for my $dir (@WRITABLE) {
        opendir(my $dh, $dir) or next;
        for my $name (readdir $dh) {
            next if $name eq '.' || $name eq '..';
            my $path = "$dir/$name";
            my @st = lstat $path or next;
            next unless $st[4] == $UID;
            if (-d _) { chmod 0700, $path; empty_dir($path); rmdir $path } else { unlink $path }
        }
    }
    back_to_root();
    if (ipc_objects()) {
        my $pid = as_user($UID, $GID, undef, sub { exec 'ipcrm', '-a' });
        waitpid($pid, 0);
    }
    for my $dir (@WRITABLE) {
        opendir(my $dh, $dir) or next;
        for my $name (readdir $dh) {
            next if $name eq '.' || $name eq '..';
            my @st = lstat "$dir/$name" or next;
            return 0 if $st[4] == $UID;
        }
    }
    return !ipc_objects();
}

# A declared output file, read as the candidate (what it could not read does not count), as
# (length or -1 missing / -2 too large, bytes).
sub output_file {
    my ($rel, $cap) = @_;
    $> = $UID;
    my ($len, $bytes) = (-1, '');
    my $fh;
    if (sysopen($fh, "$WORK/$rel", O_RDONLY | O_NOFOLLOW | O_NONBLOCK) && -f $fh) {
        if (-s $fh > $cap) { $len = -2 } else { local $/; $bytes = <$fh> // ''; $len = length $bytes }
    }
    back_to_root();
    return ($len, $bytes);
}

# Build once, then each case as a fresh process tree (see the protocol above). Each case's frame
# goes out as soon as it is known; with $ask, crucible answers GO or STOP before the next.
sub execute_cases {
    my ($payload, $timeout_ms, $cap, $plan, $ask) = @_;
    my $deadline = now() + $timeout_ms / 1000;
    my $first = $executions++ == 0;
    my %r = (out => '', err => '', out_total => 0, err_total => 0, killed => 'none', rc => 0,
        build => 'none', cases => 0);
    return (%r, unpack => 'unclean', clean => 0) unless sweep() && wipe();
    my ($cpu0, $oom0, $hw0) = (cpu_usec(), oom_kills(), memory_peak());
    my ($unpacked, $why) = unpack_payload($payload);
    if (!$unpacked) {
        $why = substr($why, 0, $cap);
        return (%r, unpack => 'failed', err => $why, err_total => length $why, clean => wipe());
    }
    my $peak = 0;
    my $finish = sub {
        my ($clean) = @_;
        my $mem = execution_peak($first, $hw0, $peak);
        return (%r, unpack => 'ok', cpu_usec => delta($cpu0, cpu_usec()), mem_peak => $mem // '',
            report_len => -1, report => '', clean => ($clean && sweep() && wipe()) ? 1 : 0);
    };
    if ($plan->{build}) {
        pipe(my $out_r, my $out_w) or die "crucible-harness: pipe: $!\n";
        pipe(my $err_r, my $err_w) or die "crucible-harness: pipe: $!\n";
        my $pid = as_sandbox(undef, runner(@{$plan->{build}}), $out_w, $err_w);
        close $out_w;
        close $err_w;
        my ($status, $swept, $p) = supervise($pid, { out => $out_r, err => $err_r }, $deadline, $cap, \%r);
        $peak = $p;
        $r{rc} = rc_of($status);
        $r{build} = $r{rc} == 0 && $r{killed} eq 'none' ? 'ok' : 'failed';
        $r{oom_kills} = delta($oom0, oom_kills());
        return $finish->($swept) if $r{build} ne 'ok' || !$swept;
        freeze($_) for $WORK, '/tmp', '/dev/shm';
    }
    $r{oom_kills} = delta($oom0, oom_kills());
    my $clean = 1;
    for my $case (@{$plan->{cases}}) {
        if (now() >= $deadline) { $r{killed} = 'timeout'; last }
        my %c = (out => '', err => '', out_total => 0, err_total => 0, killed => 'none');
        my ($placed, $problem, @made) = place_inputs(@{$case->{inputs}});
        open(my $stdin, '<', "$WORK/$case->{stdin}") or ($placed, $problem) = (0, "cannot open stdin: $!");
        my ($status, $swept, $wall, $oom) = (126 << 8, 1, 0, '');
        if ($placed) {
            pipe(my $out_r, my $out_w) or die "crucible-harness: pipe: $!\n";
            pipe(my $err_r, my $err_w) or die "crucible-harness: pipe: $!\n";
            my $oc0 = oom_kills();
            my $t0 = now();
            my $case_deadline = $t0 + $case->{timeout_ms} / 1000;
            $case_deadline = $deadline if $deadline < $case_deadline;
            my $pid = as_sandbox($stdin, runner(@{$plan->{run}}, @{$case->{args}}), $out_w, $err_w);
            close $out_w;
            close $err_w;
            (my $p, $swept, my $sampled) = supervise($pid, { out => $out_r, err => $err_r }, $case_deadline, $cap, \%c);
            $status = $p;
            $wall = int((now() - $t0) * 1000);
            $peak = $sampled if $sampled > $peak;
            $oom = delta($oc0, oom_kills());
            $r{killed} = 'timeout' if $c{killed} eq 'timeout' && $case_deadline >= $deadline;
        } else {
            $c{err} = "crucible: $problem\n";
            $c{err_total} = length $c{err};
        }
        close $stdin if $stdin;
        my @files = map { [$_, output_file($_, $cap)] } @{$case->{outputs}};
        $clean = $swept && clean_case(@made);
        print join(' ', 'CASE', 'rc=' . rc_of($status), "wall_ms=$wall", "killed=$c{killed}", "oom_kills=$oom",
            "out_total=$c{out_total}", "err_total=$c{err_total}", 'out=' . length($c{out}),
            'err=' . length($c{err}), 'files=' . scalar(@files)), "\n", $c{out}, $c{err};
        print 'FILE ', unpack('H*', $_->[0]), " $_->[1]\n", $_->[2] for @files;
        $r{cases}++;
        # With $ask, crucible answers every frame; the answer is read even when stopping anyway.
        my $go = 1;
        if ($ask) {
            my $answer = read_line();
            $go = defined $answer && $answer eq 'GO';
        }
        last if !$go || !$clean || $r{killed} ne 'none';
    }
    return $finish->($clean);
}

print "READY 4\n";
while (defined(my $line = read_line())) {
    my ($verb, @f) = split ' ', $line;
    my %r;
    if (($verb // '') eq 'RUN' && @f == 6 && "$f[0]$f[1]$f[2]" =~ /^\d+$/) {
        my ($len, $timeout_ms, $cap, $argv_hex, $worker_hex, $py_hex) = @f;
        my @argv = split /\0/, pack('H*', $argv_hex), -1;
        my $worker = $worker_hex eq '-' ? undef : [split /\0/, pack('H*', $worker_hex), -1];
        my $py = $py_hex eq '-' ? undef : [split /\0/, pack('H*', $py_hex), -1];
        $py = undef if $py && (@$py < 3 || $py->[1] !~ /^[ms]$/);
        %r = execute(read_exact($len), $timeout_ms, $cap, \@argv, $worker, $py);
    } elsif (($verb // '') eq 'CASES' && @f == 5 && join('', @f) =~ /^\d+$/) {
        my ($len, $timeout_ms, $cap, $plan_len, $ask) = @f;
        my $payload = read_exact($len);
        %r = execute_cases($payload, $timeout_ms, $cap, parse_plan(read_exact($plan_len)), $ask);
    } else {
        die "crucible-harness: unknown request `$line`\n";
    }
    my $report = $r{report} // '';
    print join(' ', 'DONE', (map { "$_=" . ($r{$_} // '') } qw(rc cpu_usec mem_peak oom_kills killed unpack clean out_total err_total)),
        'build=' . ($r{build} // 'none'), 'cases=' . ($r{cases} // 0),
        'report_len=' . ($r{report_len} // -1), 'out=' . length($r{out}), 'err=' . length($r{err}),
        'report=' . length($report)), "\n", $r{out}, $r{err}, $report;
}
exit 0;

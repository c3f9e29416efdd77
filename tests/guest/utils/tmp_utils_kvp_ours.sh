# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# KVP with our own hv_kvp_daemon (src/daemons) on /dev/vmbus/hv_kvp, the
# checks of utils_kvp_debian.sh (drop "tmp_" once it passes): the host reads what the guest reports of itself
# (FQDN, OS build = kernel release, architecture, integration services
# version), sets a key that lands in /var/lib/hyperv/.kvp_pool_0, reads
# and deletes it again, and reads a record another writer appended to
# .kvp_pool_1 (as cloud-init's KVP reporting does).  Without a daemon a
# request fails at once; a daemon that was killed is replaced and works.
# tags: compat debug
# hvsim: --device kvp
# timeout: 300

daemon=$HVLIS_TOP/src/daemons/hv_kvp_daemon
[ -x "$daemon" ] || fail "$daemon is missing (make -C src/daemons)"

hv_load_stack
hv_load hv_utils
wait_for 30 "hostctl kvp status | grep -q '^kvp.state=ready'" ||
	fail "KVP never ready: $(hostctl kvp status | tr '\n' ' ')"
dmesg | grep -q 'KVP IC version 4.0' || fail "no 'KVP IC version 4.0' in dmesg"

# kvp_op WORDS...: queue one operation; its result line in $r.  (Words
# reach hvsim through the relay split at spaces: no spaces in values.)
kvp_op() {
	local before n
	before=$(hostctl kvp results | grep -c '^kvp.result') || true
	hostctl kvp "$@" >/dev/null || fail "kvp $* was refused"
	wait_for 40 "[ \$(hostctl kvp results | grep -c '^kvp.result') -gt $before ]" ||
		fail "kvp $*: no result: $(hostctl kvp results | tail -n 3 | tr '\n' ' ')"
	n=$((before + 1))
	r=$(hostctl kvp results | grep '^kvp.result' | sed -n "${n}p")
}

# No daemon yet: the request fails at once (E_FAIL), the channel goes on.
kvp_op get 0 nothing
note "without a daemon: $r"
case $r in *status=0x80004005*) ;; *) fail "without a daemon: $r" ;; esac

mkdir -p /var/lib/hyperv
# the daemon's FQDN is getaddrinfo()'s canonical name of the host name
# (the guest's /etc is an overlay: the host's file is not changed)
echo "127.0.1.1 $(hostname).kvp.test $(hostname)" >>/etc/hosts
"$daemon" -n >/tmp/kvpd.log 2>&1 &
pid=$!
wait_for 20 "dmesg | grep -q 'KVP: daemon registered'" || fail "the daemon did not register: $(cat /tmp/kvpd.log)"

# What the guest says about itself (pool 2, ENUMERATE until the end).
kvp_op info
note "info: $r"
info=$(hostctl kvp results | grep '^kvp.record pool=2')
printf '%s\n' "$info" | sed 's/^/  /'
rec() { printf '%s\n' "$info" | sed -n "s/^kvp.record pool=2 index=[0-9]* key=$1 value=//p"; }
[ "$(rec OSBuildNumber)" = "$(uname -r)" ] || fail "OSBuildNumber is '$(rec OSBuildNumber)', not $(uname -r)"
[ "$(rec ProcessorArchitecture)" = "$(uname -m)" ] || fail "ProcessorArchitecture is '$(rec ProcessorArchitecture)'"
[ "$(rec FullyQualifiedDomainName)" = "$(hostname).kvp.test" ] ||
	fail "FullyQualifiedDomainName is '$(rec FullyQualifiedDomainName)', not $(hostname).kvp.test"
[ "$(rec OSName)" = "$(. /etc/os-release && echo "$NAME")" ] || fail "OSName is '$(rec OSName)'" 
[ -n "$(rec IntegrationServicesVersion)" ] || fail "no IntegrationServicesVersion"
case $r in *records=10*) ;; *) fail "info: want 10 records: $r" ;; esac

# A key from the host lands in pool 0, comes back, and goes away.
kvp_op set 0 HostKey value-from-the-host
case $r in *status=0x0\ *) ;; *) fail "set: $r" ;; esac
grep -aq value-from-the-host /var/lib/hyperv/.kvp_pool_0 || fail "HostKey is not in .kvp_pool_0"
kvp_op get 0 HostKey
case $r in *"value=value-from-the-host") ;; *) fail "get: $r" ;; esac
kvp_op delete 0 HostKey
case $r in *status=0x0\ *) ;; *) fail "delete: $r" ;; esac
! grep -aq value-from-the-host /var/lib/hyperv/.kvp_pool_0 || fail "HostKey is still in .kvp_pool_0"
kvp_op get 0 HostKey
case $r in *status=0x0\ *) fail "get after delete: $r" ;; esac

# Another writer appends a record (512-byte key, 2048-byte value) to pool 1.
{ printf '%s' GuestKey; head -c $((512 - 8)) /dev/zero
  printf '%s' 'written-by-another'; head -c $((2048 - 18)) /dev/zero; } >>/var/lib/hyperv/.kvp_pool_1
kvp_op get 1 GuestKey
case $r in *"value=written-by-another") ;; *) fail "get of the appended record: $r" ;; esac
kvp_op list 1
hostctl kvp results | grep -q '^kvp.record pool=1 index=0 key=GuestKey value=written-by-another$' ||
	fail "list 1 does not show GuestKey: $r"

# A killed daemon: requests fail until another one registers.
kill -9 $pid
wait $pid 2>/dev/null || true
kvp_op get 1 GuestKey
case $r in *status=0x80004005*) ;; *) fail "after kill -9: $r" ;; esac
"$daemon" -n >>/tmp/kvpd.log 2>&1 &
pid=$!
wait_for 20 "[ \$(dmesg | grep -c 'KVP: daemon registered') -ge 2 ]" || fail "the second daemon did not register"
kvp_op get 1 GuestKey
case $r in *"value=written-by-another") ;; *) fail "get with the second daemon: $r" ;; esac
kill $pid
wait $pid 2>/dev/null || true
[ "$(hostctl kvp status | sed -n 's/^kvp.bad_answers=//p')" = 0 ] || fail "bad answers"
rmmod hv_utils || fail "rmmod hv_utils"
check_dmesg_clean

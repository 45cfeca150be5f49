//! The decision's cases, and the recorded source in either language.

use super::*;
use crate::sandbox::cgroup::scopes::StaleScope;

fn facts(systemd_owns: bool, others: usize) -> Facts {
    Facts {
        systemd_owns,
        opted_out: false,
        root: true,
        mode: Some(Mode::V2),
        own: "/user.slice/user-0.slice/session-3.scope".into(),
        others,
    }
}

fn unit(name: &str, delegate: bool) -> Option<UnitInfo> {
    Some(UnitInfo {
        name: name.into(),
        delegate,
    })
}

#[test]
fn without_systemd_the_own_cgroup_is_used_and_nobody_is_asked() {
    let d = decide_with(&facts(false, 3), |_| panic!("systemd is not asked"));
    assert_eq!(d.source, Source::Own);
    assert!(
        d.why.text().contains("no /run/systemd/system"),
        "{}",
        d.why.text()
    );
}

#[test]
fn a_login_session_scope_gets_a_system_scope() {
    let d = decide_with(&facts(true, 2), |bus| {
        assert_eq!(bus, Bus::System);
        Ok(unit("session-3.scope", false))
    });
    assert_eq!(d.source, Source::Scope(Bus::System));
    assert!(d.why.text().contains("session-3.scope"), "{}", d.why.text());
    assert!(
        d.why.text().contains("did not delegate"),
        "{}",
        d.why.text()
    );
    assert!(
        d.why.text().contains("shared with 2 other"),
        "{}",
        d.why.text()
    );
    assert!(d.why.text().contains("system.slice"), "{}", d.why.text());
}

#[test]
fn alone_in_a_unit_that_is_not_delegated_still_gets_a_scope() {
    // systemd owns that cgroup: writing its subtree_control is not limitlab's to do.
    let d = decide_with(&facts(true, 0), |_| Ok(unit("ci-runner.service", false)));
    assert_eq!(d.source, Source::Scope(Bus::System));
}

#[test]
fn alone_in_a_delegated_unit_uses_it() {
    let d = decide_with(&facts(true, 0), |_| Ok(unit("run-r1.scope", true)));
    assert_eq!(d.source, Source::Own);
    assert!(d.why.text().contains("Delegate=yes"), "{}", d.why.text());
    let shared = decide_with(&facts(true, 1), |_| Ok(unit("run-r1.scope", true)));
    assert_eq!(shared.source, Source::Scope(Bus::System));
    assert!(
        shared.why.text().contains("delegated but shared"),
        "{}",
        shared.why.text()
    );
}

#[test]
fn rootless_asks_the_user_manager() {
    let mut f = facts(true, 1);
    f.root = false;
    let d = decide_with(&f, |bus| {
        assert_eq!(bus, Bus::User);
        Ok(None)
    });
    assert_eq!(d.source, Source::Scope(Bus::User));
    assert!(d.why.text().contains("app.slice"), "{}", d.why.text());
}

#[test]
fn an_unreachable_systemd_means_the_own_cgroup_and_says_why() {
    let d = decide_with(&facts(true, 2), unreachable);
    assert_eq!(d.source, Source::Own);
    assert!(
        d.why.text().contains("could not be asked"),
        "{}",
        d.why.text()
    );
    assert!(d.unreachable.unwrap().contains("no socket"));
}

#[test]
fn opting_out_asks_nobody() {
    let mut f = facts(true, 2);
    f.opted_out = true;
    let d = decide_with(&f, |_| panic!("systemd is not asked"));
    assert_eq!(d.source, Source::Own);
    assert!(
        d.why.text().contains("LIMITLAB_SYSTEMD=no"),
        "{}",
        d.why.text()
    );
}

fn es<R>(f: impl FnOnce() -> R) -> R {
    crate::i18n::with(Lang::Es, f)
}

fn unreachable(bus: Bus) -> Result<Option<UnitInfo>, systemd::SystemdError> {
    Err(systemd::SystemdError::Unreachable {
        which: bus.name(),
        source: zbus::Error::Failure("no socket".into()),
    })
}

#[test]
fn why_is_said_in_either_language() {
    let session = |_: Bus| Ok(unit("session-3.scope", false));
    assert_eq!(
        decide_with(&facts(true, 2), session).why.text(),
        "limitlab's cgroup /user.slice/user-0.slice/session-3.scope belongs to session-3.scope, which systemd owns and did not delegate, and shared with 2 other processes, so limitlab asks the system manager for a delegated scope of its own (limitlab-<pid>.scope in system.slice)"
    );
    assert_eq!(
        decide_with(&facts(true, 2), unreachable)
            .unreachable
            .as_deref(),
        Some("cannot reach the system manager over D-Bus: no socket")
    );
    assert_eq!(
        es(|| decide_with(&facts(true, 2), session).why.text()),
        "el cgroup /user.slice/user-0.slice/session-3.scope de limitlab pertenece a session-3.scope, que es de systemd y no está delegado, y lo comparte con 2 procesos más, así que limitlab le pide a systemd (el gestor del sistema) un scope delegado propio (limitlab-<pid>.scope en system.slice)"
    );
    let (mut user, mut out) = (facts(true, 1), facts(true, 1));
    (user.root, out.opted_out) = (false, true);
    let cases: [(String, &str); 5] = [
        (
            es(|| {
                decide_with(&facts(false, 3), |_| unreachable(Bus::System))
                    .why
                    .text()
            }),
            "systemd no gestiona este árbol de cgroups (no hay /run/systemd/system), así que limitlab crea sus cgroups bajo el suyo propio (/user.slice/",
        ),
        (
            es(|| {
                decide_with(&facts(true, 1), |_| Ok(unit("r.scope", true)))
                    .why
                    .text()
            }),
            "delegado pero lo comparte con 1 proceso más (cgroup v2",
        ),
        (
            es(|| decide_with(&user, |_| Ok(None)).why.text()),
            "el gestor de usuario no tiene ninguna unidad para el cgroup",
        ),
        (
            es(|| decide_with(&facts(true, 2), unreachable).why.text()),
            "no se le pudo pedir un cgroup (no se puede contactar por D-Bus con el gestor del sistema: no socket)",
        ),
        (
            es(|| decide_with(&out, |_| unreachable(Bus::System)).why.text()),
            "LIMITLAB_SYSTEMD=no: limitlab no le pregunta a systemd",
        ),
    ];
    for (why, says) in cases {
        assert!(why.contains(says), "{why}");
    }
}

fn grant(scope: Option<Bus>, unreachable: Option<&str>) -> Grant {
    let mut g = Grant::own("why");
    g.decision.unreachable = unreachable.map(String::from);
    g.scope = scope.map(|bus| Scope {
        bus,
        name: "limitlab-812.scope".into(),
    });
    g
}

#[test]
fn the_recorded_source_is_english_and_said_in_either_language() {
    let cases = [
        (grant(None, None), "own cgroup", "cgroup propio"),
        (
            grant(None, Some("no socket")),
            "own cgroup (systemd could not be asked: no socket)",
            "cgroup propio (no se le pudo preguntar a systemd: no socket)",
        ),
        (
            grant(Some(Bus::System), None),
            "systemd scope limitlab-812.scope (the system manager)",
            "scope de systemd limitlab-812.scope (el gestor del sistema)",
        ),
        (
            grant(Some(Bus::User), None),
            "systemd scope limitlab-812.scope (the user manager)",
            "scope de systemd limitlab-812.scope (el gestor de usuario)",
        ),
    ];
    for (g, en, spanish) in cases {
        assert_eq!(g.describe(), en);
        assert_eq!(es(|| g.describe()), en, "the record stays English");
        assert_eq!(source_line(Some(&g.granted()), Some(en)).unwrap(), en);
        assert_eq!(
            es(|| source_line(Some(&g.granted()), Some(en))).unwrap(),
            spanish
        );
    }
    assert_eq!(
        es(|| source_line(None, Some("something else"))).unwrap(),
        "something else"
    );
    let g = grant(None, None);
    assert_eq!(g.context(), "where limitlab's cgroups come from: why");
    assert_eq!(
        es(|| g.context()),
        "de dónde vienen los cgroups de limitlab: why"
    );
}

#[test]
fn stale_scopes_are_said_in_either_language() {
    let gone = StaleScope {
        name: "limitlab-9.scope".into(),
        state: "failed".into(),
        error: None,
    };
    let stuck = StaleScope {
        error: Some("access denied".into()),
        ..gone.clone()
    };
    for (s, en, spanish) in [
        (
            gone,
            "stopped limitlab-9.scope (failed), left by a harness that is gone",
            "se detuvo limitlab-9.scope (failed), que dejó un arnés que ya no existe",
        ),
        (
            stuck,
            "could not remove limitlab-9.scope: access denied",
            "no se pudo eliminar limitlab-9.scope: access denied",
        ),
    ] {
        assert_eq!(s.to_string(), en);
        assert_eq!(es(|| s.to_string()), spanish);
    }
}

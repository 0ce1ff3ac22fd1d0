# A 64-bit installer (PE32+) where makensis has the amd64 stubs (Debian's
# nsis package has them), else the usual 32-bit one. Both install the 64-bit
# program only.
!if /FileExists "${NSISDIR}\Stubs\lzma_solid-amd64-unicode"
  Target amd64-unicode
!else
  Unicode true
!endif

# The DPG Certificates installer.
#
# `wails build -platform windows/amd64 -nsis` writes wails_tools.nsh next to
# this file (the names, the version and the wails.* macros, from wails.json)
# and then runs makensis on it. `make dist` (scripts/dist.sh) does the same
# in a snapshot of the tree and adds dist.nsh: the version numbers of the
# build and the command that signs the program, the uninstaller and the
# installer. Without dist.nsh the installer is built unsigned.
#
# What it does:
# - installs for the current user only, without administrator rights, under
#   %LOCALAPPDATA%\Programs\DPG Certificates;
# - installs the WebView2 runtime with Microsoft's bootstrapper (carried
#   inside the installer) when the machine has no runtime yet;
# - installs dpgcerts.com beside dpgcerts.exe when dist.nsh names it: the
#   console companion, so that scripts get the command line's exit status;
# - adds the install folder to the user's PATH (a ticked box on the
#   components page; a silent install does it unless given /NOPATH), so
#   `dpgcerts scan ...` works in cmd.exe and PowerShell, where dpgcerts.com
#   wins over dpgcerts.exe. A PATH too long for NSIS's strings (1024
#   characters) is left alone rather than cut;
# - adds a Start-menu folder with the program and its uninstaller, and an
#   entry under Settings > Apps;
# - its uninstaller removes the program and the PATH entry, and keeps the
#   user's data (the cache and log under %LOCALAPPDATA%\dpgcerts, or
#   %APPDATA%\dpgcerts where an earlier version left them, and the window's
#   WebView2 data) unless the user ticks "Remove my data", or runs it with
#   /REMOVEDATA.

!include /NONFATAL "dist.nsh"

# Per user, without administrator rights, also when makensis is run by hand
# or by a plain `wails build -nsis`.
!ifndef WAILS_INSTALL_SCOPE
  !define WAILS_INSTALL_SCOPE "user"
!endif
!ifndef REQUEST_EXECUTION_LEVEL
  !define REQUEST_EXECUTION_LEVEL "user"
!endif
# The key of the Settings > Apps entry, under HKCU\...\Uninstall.
!ifndef UNINST_KEY_NAME
  !define UNINST_KEY_NAME "dk.timengodpg.dpgcerts"
!endif

!include "wails_tools.nsh"

# The fixed version fields take four numbers. dist.nsh gives them from the
# build's version (see scripts/dist-version.sh); by hand they come from
# wails.json's productVersion (three numbers).
!ifndef DIST_VERSION_NUMBERS
  !define DIST_VERSION_NUMBERS "${INFO_PRODUCTVERSION}.0"
!endif

!define DATA_DIR "$LOCALAPPDATA\dpgcerts"
# Where versions before the move to Local kept the cache (store.DefaultPath).
!define OLD_DATA_DIR "$APPDATA\dpgcerts"
!define WEBVIEW_DATA_DIR "$APPDATA\${PRODUCT_EXECUTABLE}"
!define STARTMENU_DIR "$SMPROGRAMS\${INFO_PRODUCTNAME}"

# Signing: the program before it is packed, then the uninstaller and the
# installer once makensis has written them.
!ifdef DIST_SIGN
  !system '${DIST_SIGN} "${ARG_WAILS_AMD64_BINARY}"' = 0
  !uninstfinalize '${DIST_SIGN} "%1"' = 0
  !finalize '${DIST_SIGN} "%1"' = 0
!endif

VIProductVersion "${DIST_VERSION_NUMBERS}"
VIFileVersion    "${DIST_VERSION_NUMBERS}"
VIAddVersionKey "CompanyName"     "${INFO_COMPANYNAME}"
VIAddVersionKey "FileDescription" "${INFO_PRODUCTNAME} Setup"
VIAddVersionKey "ProductVersion"  "${INFO_PRODUCTVERSION}"
VIAddVersionKey "FileVersion"     "${INFO_PRODUCTVERSION}"
VIAddVersionKey "LegalCopyright"  "${INFO_COPYRIGHT}"
VIAddVersionKey "ProductName"     "${INFO_PRODUCTNAME}"

ManifestDPIAware true
SetCompressor /SOLID lzma

Name "${INFO_PRODUCTNAME}"
OutFile "..\..\bin\${INFO_PROJECTNAME}-${ARCH}-installer.exe"
InstallDir "$LOCALAPPDATA\Programs\${INFO_PRODUCTNAME}"
# A later installer finds an earlier installation, wherever it was put.
InstallDirRegKey HKCU "${UNINST_KEY}" "InstallLocation"
ShowInstDetails show
ShowUninstDetails show

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "Sections.nsh"
!include "WordFunc.nsh"
!include "WinMessages.nsh"

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${PRODUCT_EXECUTABLE}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_TEXT_TOP "${INFO_PRODUCTNAME} will be removed. Your cache, log and window settings are kept for a later installation unless you tick the box below. Passwords and the portal token remembered in Windows Credential Manager (entries starting with $\"dpgcerts$\") are not touched."
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"

Function .onInit
    !insertmacro wails.checkArchitecture
    ${GetParameters} $0
    ClearErrors
    ${GetOptions} $0 "/NOPATH" $1
    ${IfNot} ${Errors}
        !insertmacro UnselectSection ${SecPath}
    ${EndIf}
FunctionEnd

# The user's PATH (HKCU\Environment), without $INSTDIR, in $R9; $R8 is "ok",
# or "skip" when it can't be changed safely: longer than NSIS's strings hold
# (ReadRegStr fails on a value that exists), or too long to add to.
!macro DPG_PATH_WITHOUT_INSTDIR
    StrCpy $R8 "ok"
    ClearErrors
    ReadRegStr $R9 HKCU "Environment" "Path"
    ${If} ${Errors}
        StrCpy $R9 ""
        # No value is fine; a value too long to read is not.
        StrCpy $R7 0
        ${Do}
            EnumRegValue $R6 HKCU "Environment" $R7
            ${If} $R6 == ""
                ${Break}
            ${EndIf}
            ${If} $R6 == "Path"
                StrCpy $R8 "skip"
                ${Break}
            ${EndIf}
            IntOp $R7 $R7 + 1
        ${Loop}
    ${EndIf}
    ${If} $R8 == "ok"
        # Counted apart: a joined string would be cut at NSIS_MAX_STRLEN
        # itself, and so never look too long.
        StrLen $R7 $R9
        StrLen $R6 $INSTDIR
        IntOp $R7 $R7 + $R6
        IntOp $R7 $R7 + 2
        ${If} $R7 >= ${NSIS_MAX_STRLEN}
            StrCpy $R8 "skip"
        ${EndIf}
    ${EndIf}
    ${If} $R8 == "ok"
        # Every ";$INSTDIR;" (any case, with or without a trailing
        # backslash) out of ";PATH;", then the outer semicolons off.
        StrCpy $R9 ";$R9;"
        ${Do}
            StrCpy $R6 $R9
            ${WordReplace} $R9 ";$INSTDIR;" ";" "+" $R9
            ${WordReplace} $R9 ";$INSTDIR\;" ";" "+" $R9
            ${WordReplace} $R9 ";;" ";" "+" $R9
        ${LoopUntil} $R6 == $R9
        ${If} $R9 == ";"
            StrCpy $R9 ""
        ${Else}
            StrCpy $R9 $R9 "" 1
            StrCpy $R9 $R9 -1
        ${EndIf}
    ${EndIf}
!macroend

!macro DPG_WRITE_PATH
    ${If} $R9 == ""
        DeleteRegValue HKCU "Environment" "Path"
    ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" $R9
    ${EndIf}
    # Tell Explorer, so that new cmd.exe and PowerShell windows see it.
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
!macroend

Section "${INFO_PRODUCTNAME}" SecProgram
    SectionIn RO
    !insertmacro wails.setShellContext

    !insertmacro wails.webview2runtime

    SetOutPath $INSTDIR
    !insertmacro wails.files
    !ifdef DIST_CONSOLE_BINARY
        File "/oname=dpgcerts.com" "${DIST_CONSOLE_BINARY}"
    !endif

    CreateDirectory "${STARTMENU_DIR}"
    CreateShortcut "${STARTMENU_DIR}\${INFO_PRODUCTNAME}.lnk" "$INSTDIR\${PRODUCT_EXECUTABLE}"
    CreateShortcut "${STARTMENU_DIR}\Uninstall ${INFO_PRODUCTNAME}.lnk" "$INSTDIR\uninstall.exe"

    !insertmacro wails.associateFiles
    !insertmacro wails.associateCustomProtocols

    !insertmacro wails.writeUninstaller
    WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
    WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
    WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
SectionEnd

Section "Add to PATH (dpgcerts in cmd.exe and PowerShell)" SecPath
    !insertmacro DPG_PATH_WITHOUT_INSTDIR
    ${If} $R8 == "ok"
        ${If} $R9 == ""
            StrCpy $R9 "$INSTDIR"
        ${Else}
            StrCpy $R9 "$R9;$INSTDIR"
        ${EndIf}
        !insertmacro DPG_WRITE_PATH
        DetailPrint "Added $INSTDIR to your PATH"
    ${Else}
        DetailPrint "Your PATH is too long to change safely: add $INSTDIR to it by hand"
    ${EndIf}
SectionEnd

Section "un.${INFO_PRODUCTNAME}" UnSecProgram
    SectionIn RO
    !insertmacro wails.setShellContext

    # The daily reminder's task (backend/schedule.TaskName); none is fine.
    nsExec::Exec '"$SYSDIR\schtasks.exe" /delete /tn "DPG Certificates reminder" /f'
    Pop $0
    # The window's toast registration (Wails' notifications).
    ReadRegStr $0 HKCU "Software\Classes\AppUserModelId\${PRODUCT_EXECUTABLE}" "CustomActivator"
    StrCmp $0 "" +2
    DeleteRegKey HKCU "Software\Classes\CLSID\$0"
    DeleteRegKey HKCU "Software\Classes\AppUserModelId\${PRODUCT_EXECUTABLE}"

    Delete "$INSTDIR\${PRODUCT_EXECUTABLE}"
    Delete "$INSTDIR\dpgcerts.com"
    RMDir "$INSTDIR"

    !insertmacro DPG_PATH_WITHOUT_INSTDIR
    ${If} $R8 == "ok"
        !insertmacro DPG_WRITE_PATH
    ${EndIf}

    Delete "${STARTMENU_DIR}\${INFO_PRODUCTNAME}.lnk"
    Delete "${STARTMENU_DIR}\Uninstall ${INFO_PRODUCTNAME}.lnk"
    RMDir "${STARTMENU_DIR}"

    !insertmacro wails.unassociateFiles
    !insertmacro wails.unassociateCustomProtocols

    # Last: removes uninstall.exe and the Settings > Apps entry.
    !insertmacro wails.deleteUninstaller
    RMDir "$INSTDIR"
SectionEnd

# Off unless the user ticks it, or passes /REMOVEDATA to a silent uninstall.
Section /o "un.Remove my data (cache, log and window settings)" UnSecData
    SetShellVarContext current
    RMDir /r "${DATA_DIR}"
    RMDir /r "${OLD_DATA_DIR}"
    RMDir /r "${WEBVIEW_DATA_DIR}"
SectionEnd

Function un.onInit
    SetShellVarContext current
    ${GetParameters} $0
    ClearErrors
    ${GetOptions} $0 "/REMOVEDATA" $1
    ${IfNot} ${Errors}
        !insertmacro SelectSection ${UnSecData}
    ${EndIf}
FunctionEnd
